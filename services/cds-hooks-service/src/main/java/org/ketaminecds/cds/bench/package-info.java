/**
 * The load benchmark's ceiling endpoint: the service's own HTTP stack answering a fixed small JSON,
 * off unless {@code cds.bench.ceiling-endpoint=true} and refused unless the service listens on
 * loopback only.
 */
package org.ketaminecds.cds.bench;
