package org.ketaminecds.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one run measures, from system properties {@code bench.*} (the Maven profile passes them on;
 * README, "Performance").
 *
 * @param root the repository checkout (the service jar and the JMH results are found under it)
 * @param serviceJar the packaged service to run (by default the one this checkout built)
 * @param output the results file
 * @param work scratch directory for request files, logs and the broker's data
 * @param serviceJvm JVM options of the service: by default what the container image gives it under
 *     the compose stack's 768 MB limit
 * @param rate offered rate of the fixed-rate phase (requests per second, open model)
 * @param fixedDuration length of the fixed-rate phase
 * @param connections wrk connections for the saturation and ceiling phases
 * @param phase length of each closed-loop phase (saturation, ceiling); it ends earlier if its
 *     tokens, sized from the warm-up's throughput, run out
 * @param warmupRequests 25-medication requests sent before anything is measured (a tenth as many
 *     with 200 medications, as many to the ceiling endpoint)
 * @param tokenCap most tokens minted for one phase (signing takes about 1 ms of CPU each)
 * @param quietLoad wait before starting until the 1-minute load average is below this
 * @param quietWait how long to wait for that at most (0: do not wait)
 * @param jwtAlgorithm RS384 (what most EHRs use) or ES384
 * @param profile record the service with Java Flight Recorder (work/service.jfr); the figures of
 *     such a run are not for comparison
 */
record BenchSettings(
    Path root,
    Path serviceJar,
    Path output,
    Path work,
    List<String> serviceJvm,
    int rate,
    Duration fixedDuration,
    int connections,
    Duration phase,
    int warmupRequests,
    int tokenCap,
    double quietLoad,
    Duration quietWait,
    String jwtAlgorithm,
    boolean profile) {

  /**
   * What the JVM of the container image runs with under the compose stack's 768 MB limit: the
   * image's {@code JAVA_TOOL_OPTIONS} (docker/cds-hooks-service.Dockerfile: heap 40 % of the limit,
   * initially 20 %, G1 with a 20 ms pause goal, at least 35 % of the heap young, marking from 55 %
   * occupancy, native memory trimmed every 5 s) and its environment ({@link #CONTAINER_ENV}).
   */
  static final List<String> CONTAINER_JVM =
      List.of(
          "-XX:MaxRAM=768m",
          "-XX:MaxRAMPercentage=40",
          "-XX:InitialRAMPercentage=20",
          "-XX:+UseG1GC",
          "-XX:MaxGCPauseMillis=20",
          "-XX:+UnlockExperimentalVMOptions",
          "-XX:G1NewSizePercent=35",
          "-XX:-G1UseAdaptiveIHOP",
          "-XX:InitiatingHeapOccupancyPercent=55",
          "-XX:TrimNativeHeapInterval=5000",
          "-XX:+ExitOnOutOfMemoryError");

  /** The environment the container image sets for the JVM's native memory. */
  static final Map<String, String> CONTAINER_ENV = Map.of("MALLOC_ARENA_MAX", "2");

  static BenchSettings fromSystemProperties() {
    Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    String jvm = System.getProperty("bench.service-jvm", "").strip();
    String jar = System.getProperty("bench.service-jar", "").strip();
    return new BenchSettings(
        root,
        jar.isEmpty()
            ? root.resolve("services/cds-hooks-service/target/cds-hooks-service-0.1.0-SNAPSHOT.jar")
            : root.resolve(jar),
        root.resolve(System.getProperty("bench.output", "bench/results/latest.json")),
        root.resolve(System.getProperty("bench.work", "services/load-bench/target/bench")),
        jvm.isEmpty() ? CONTAINER_JVM : List.of(jvm.split("\\s+")),
        Integer.getInteger("bench.rate", 500),
        Duration.ofSeconds(Long.getLong("bench.fixed-seconds", 60)),
        Integer.getInteger("bench.connections", 32),
        Duration.ofSeconds(Long.getLong("bench.phase-seconds", 20)),
        Integer.getInteger("bench.warmup-requests", 40_000),
        Integer.getInteger("bench.token-cap", 120_000),
        Double.parseDouble(System.getProperty("bench.quiet-load", "1.5")),
        Duration.ofSeconds(Long.getLong("bench.quiet-wait-seconds", 0)),
        System.getProperty("bench.jwt-algorithm", "RS384"),
        Boolean.getBoolean("bench.profile"));
  }
}
