package org.ketaminecds.compliance.reports;

/**
 * Service processing time as recorded by the service itself (nearest-rank percentiles). The row
 * with service {@code (all)} covers every service.
 */
public record Latency(String serviceId, long calls, long p50Ms, long p95Ms, long maxMs) {}
