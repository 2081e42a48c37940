package org.ketaminecds.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the load generators as child processes and reads what they report. */
final class LoadTools {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final int WRK_THREADS = 2;

  private LoadTools() {}

  /** What a load generator measured, with what the sampler saw meanwhile. */
  record Measured(JsonNode report, Sampler.Sample sample) {}

  /**
   * A closed-loop phase with wrk: {@code connections} connections, each sending its next request as
   * soon as the previous answer arrived, until the plan is spent or {@code limit} has passed.
   */
  static Measured wrk(
      Path work,
      Workload workload,
      Workload.Plan plan,
      String baseUrl,
      int connections,
      Duration limit,
      Sampler sampler)
      throws IOException, InterruptedException {
    Path script = work.resolve("bench.lua");
    try (var in = LoadTools.class.getResourceAsStream("/bench.lua")) {
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Path result = work.resolve(plan.file().getFileName() + ".wrk.json");
    Files.deleteIfExists(result);
    Path stopped = work.resolve(plan.file().getFileName() + ".wrk.stopped");
    Files.deleteIfExists(stopped);
    int reserve = Math.max(16, 2 * connections / WRK_THREADS);
    ProcessBuilder builder =
        new ProcessBuilder(
            "wrk",
            "-t" + WRK_THREADS,
            "-c" + connections,
            "-d" + limit.toSeconds() + "s",
            "--timeout",
            "10s",
            "-s",
            script.toString(),
            baseUrl,
            "--",
            plan.file().toString(),
            workload.bodies().toString(),
            Integer.toString(workload.bodyCount()),
            Integer.toString(WRK_THREADS),
            Integer.toString(reserve));
    builder.environment().put("BENCH_WRK_RESULT", result.toString());
    builder.environment().put("BENCH_WRK_STOPPED", stopped.toString());
    builder
        .redirectErrorStream(true)
        .redirectOutput(work.resolve(plan.file().getFileName() + ".wrk.log").toFile());
    // The threads read the plan before the first request: measure from then on.
    Process wrk = builder.start();
    Sampler.Window window = sampler.start(wrk.toHandle());
    interruptOnceStopped(wrk, stopped, limit);
    await(wrk, limit.plusMinutes(2), "wrk");
    Sampler.Sample sample = window.stop();
    if (!Files.exists(result)) {
      throw new IllegalStateException("wrk wrote no result; see its log beside " + plan.file());
    }
    return new Measured(JSON.readTree(result.toFile()), sample);
  }

  /**
   * The open-model fixed-rate phase with Gatling ({@link FixedRateSimulation}): the warm-up plan at
   * the rate for {@code warmUp}, then the measured plan for {@code duration}; the figures are the
   * measured calls'.
   */
  static Measured gatling(
      Path work,
      Workload workload,
      Workload.Plan warmUpPlan,
      Duration warmUp,
      Workload.Plan plan,
      String baseUrl,
      int rate,
      Duration duration,
      Sampler sampler)
      throws IOException, InterruptedException {
    Path results = work.resolve("gatling");
    Files.createDirectories(results);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            // What Gatling's own launchers pass.
            "-Xms512m",
            "-Xmx1g",
            "-XX:MaxInlineLevel=20",
            "-XX:MaxTrivialSize=12",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "-Dbench.base-url=" + baseUrl,
            "-Dbench.plan=" + plan.file(),
            "-Dbench.warmup-plan=" + warmUpPlan.file(),
            "-Dbench.warmup-seconds=" + warmUp.toSeconds(),
            "-Dbench.bodies=" + workload.bodies(),
            "-Dbench.body-count=" + workload.bodyCount(),
            "-Dbench.rate=" + rate,
            "-Dbench.seconds=" + duration.toSeconds(),
            "io.gatling.app.Gatling",
            "-s",
            FixedRateSimulation.class.getName(),
            "-rf",
            results.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("gatling.log").toFile());
    Process gatling = builder.start();
    Sampler.Window window = sampler.start(gatling.toHandle());
    await(gatling, duration.plus(warmUp).plusMinutes(3), "Gatling");
    Sampler.Sample sample = window.stop();
    Path stats;
    try (Stream<Path> runs = Files.list(results)) {
      stats =
          runs.filter(Files::isDirectory)
              .max(Comparator.comparing(p -> p.toFile().lastModified()))
              .map(p -> p.resolve("js/stats.js"))
              .filter(Files::exists)
              .orElseThrow(
                  () -> new IllegalStateException("Gatling wrote no report; see gatling.log"));
    }
    return new Measured(statsOf(Files.readString(stats), FixedRateSimulation.MEASURED), sample);
  }

  /**
   * The statistics of one request name in a Gatling report: {@code js/stats.js} assigns a
   * JavaScript object whose {@code stats} members (the whole run's, then each request name's) are
   * JSON, numbers written as strings.
   */
  static JsonNode statsOf(String script, String request) throws IOException {
    for (int at = script.indexOf("stats: {"); at >= 0; at = script.indexOf("stats: {", at + 1)) {
      int start = script.indexOf('{', at);
      int depth = 0;
      for (int i = start; i < script.length(); i++) {
        char c = script.charAt(i);
        if (c == '{') {
          depth++;
        } else if (c == '}' && --depth == 0) {
          JsonNode stats = JSON.readTree(script.substring(start, i + 1));
          if (request.equals(stats.path("name").asText())) {
            return JSON.createObjectNode().set("stats", stats);
          }
          break;
        }
      }
    }
    throw new IOException("no statistics of '" + request + "' in the Gatling report");
  }

  /**
   * wrk waits out its whole duration even when every thread has spent its plan; once every thread
   * has said so in {@code stopped}, SIGINT makes it report at once (as at the end of its duration).
   */
  private static void interruptOnceStopped(Process wrk, Path stopped, Duration limit)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (wrk.isAlive() && System.nanoTime() < deadline) {
      if (Files.exists(stopped) && Files.readAllLines(stopped).size() >= WRK_THREADS) {
        new ProcessBuilder("kill", "-INT", Long.toString(wrk.pid())).inheritIO().start().waitFor();
        return;
      }
      wrk.waitFor(100, TimeUnit.MILLISECONDS);
    }
  }

  private static void await(Process process, Duration limit, String name)
      throws InterruptedException {
    if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not finish within " + limit);
    }
  }
}
