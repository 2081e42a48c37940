/**
 * The load benchmark: starts the packaged service as an operator would (its own Kafka broker, audit
 * on, JWT authentication with a benchmark EHR), drives it over loopback with wrk and Gatling, and
 * writes what it measured, the ceiling of the same HTTP stack included, to a JSON file.
 */
package org.ketaminecds.bench;
