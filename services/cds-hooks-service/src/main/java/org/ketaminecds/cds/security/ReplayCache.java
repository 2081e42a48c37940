package org.ketaminecds.cds.security;

import java.time.Instant;

/**
 * Remembers the token ids ({@code jti}) already used, each until its token expires. One instance
 * per JVM is enough for one replica; replicas behind a load balancer need a shared implementation
 * (see the README: Redis {@code SET key NX PXAT exp}, or a table with a unique key on issuer and
 * jti).
 */
interface ReplayCache {

  /** True the first time this issuer's token id is seen before {@code forgetAfter}; then false. */
  boolean firstUse(String issuer, String tokenId, Instant forgetAfter);
}
