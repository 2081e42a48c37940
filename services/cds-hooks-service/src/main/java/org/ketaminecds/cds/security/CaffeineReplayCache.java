package org.ketaminecds.cds.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The in-memory replay cache: bounded in size, each entry dropped when its token expires. Beyond
 * the size bound Caffeine evicts, so the bound must exceed the tokens live at once (peak calls per
 * second × the longest accepted lifetime).
 */
final class CaffeineReplayCache implements ReplayCache {

  private final Cache<String, Instant> seen;
  private final Clock clock;

  CaffeineReplayCache(long maximumSize, Clock clock) {
    this.clock = clock;
    this.seen =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .expireAfter(
                new Expiry<String, Instant>() {
                  @Override
                  public long expireAfterCreate(String key, Instant forgetAfter, long now) {
                    return Math.max(0, Duration.between(clock.instant(), forgetAfter).toNanos());
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Instant forgetAfter, long now, long remaining) {
                    return remaining;
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Instant forgetAfter, long now, long remaining) {
                    return remaining;
                  }
                })
            .build();
  }

  @Override
  public boolean firstUse(String issuer, String tokenId, Instant forgetAfter) {
    if (!forgetAfter.isAfter(clock.instant())) {
      // Already expired: the expiry check refuses it anyway, nothing to remember.
      return true;
    }
    // The issuer is part of the key: two EHRs may well pick the same jti.
    return seen.asMap().putIfAbsent(issuer + '\n' + tokenId, forgetAfter) == null;
  }
}
