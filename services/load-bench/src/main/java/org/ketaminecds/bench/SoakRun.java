package org.ketaminecds.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ketaminecds.cds.KraftBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The soak: the packaged service (authentication and audit on, its own Kafka broker, as in {@link
 * BenchRun}) at a steady moderate rate for {@code bench.soak-minutes}, one Gatling segment a minute
 * with freshly minted tokens. After each minute the harness forces a full collection in the service
 * ({@code jcmd GC.run}) and records the heap left after it, the live threads, the open file
 * descriptors and the resident memory. A leak shows as a trend in those series; the report gives
 * each series' first and last value, its extremes and its least-squares slope over the minutes
 * after the first (which still includes start-up effects: JIT, lazily built caches).
 *
 * <p>Run by {@code bench/soak.sh} (Maven profile {@code soak} of this module); results go to {@code
 * bench/results/soak.json}.
 */
public final class SoakRun {

  private static final Logger log = LoggerFactory.getLogger(SoakRun.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  private SoakRun() {}

  public static void main(String[] args) throws Exception {
    BenchSettings settings = BenchSettings.fromSystemProperties();
    int minutes = Integer.getInteger("bench.soak-minutes", 10);
    int rate = Integer.getInteger("bench.soak-rate", 100);
    Path output =
        settings.root().resolve(System.getProperty("bench.soak-output", "bench/results/soak.json"));
    ObjectNode report = JSON.createObjectNode();
    report.put("startedAt", Instant.now().toString());
    report.set("machine", BenchRun.machine());
    ObjectNode plan = report.putObject("soak");
    plan.put("minutes", minutes);
    plan.put("offeredRatePerS", rate);
    plan.put("requests", "25 medications, about 30 % ketamine orders, order-sign and order-select");
    plan.put("serviceJvm", String.join(" ", settings.serviceJvm()));
    BenchRun.resetDirectory(settings.work());

    try (KraftBroker broker = KraftBroker.onFreePorts(settings.work().resolve("kafka"))) {
      broker.start();
      BenchRun.createAuditTopic(broker.bootstrapServers());
      try (BenchIssuer issuer = new BenchIssuer(settings.jwtAlgorithm());
          ServiceProcess service =
              ServiceProcess.start(
                  settings.serviceJar(),
                  settings.serviceJvm(),
                  settings.work(),
                  broker.bootstrapServers(),
                  issuer);
          Sampler sampler = new Sampler(service.pid())) {
        Workload workload = Workload.write(settings.work());
        report.set("checks", BenchRun.smokeCheck(service, workload, issuer));
        ArrayNode samples = report.putArray("minutes");
        samples.add(snapshot(0, service.pid(), null));
        for (int minute = 1; minute <= minutes; minute++) {
          int requests = BenchRun.gatlingTokens(rate, Duration.ofMinutes(1));
          int warmUpRequests = BenchRun.gatlingTokens(rate, BenchRun.GATLING_WARM_UP);
          Workload.Plan warmUp =
              workload.plan(
                  "soak" + minute + "WarmUp",
                  workload.medications25(),
                  warmUpRequests,
                  issuer,
                  service.baseUrl());
          Workload.Plan segment =
              workload.plan(
                  "soak" + minute, workload.medications25(), requests, issuer, service.baseUrl());
          LoadTools.Measured m =
              LoadTools.gatling(
                  settings.work(),
                  workload,
                  warmUp,
                  BenchRun.GATLING_WARM_UP,
                  segment,
                  service.baseUrl(),
                  rate,
                  Duration.ofMinutes(1),
                  sampler);
          ObjectNode phase =
              BenchRun.gatlingPhase(m, rate, Duration.ofMinutes(1), "25 medications");
          samples.add(snapshot(minute, service.pid(), phase));
          log.info("soak minute {}/{}: {}", minute, minutes, samples.get(minute));
        }
        report.set("audit", BenchRun.auditFacts(service));
      }
    }
    report.set("summary", summary(report.path("minutes")));
    report.put("finishedAt", Instant.now().toString());
    Files.createDirectories(output.getParent());
    JSON.writeValue(output.toFile(), report);
    System.out.println();
    System.out.println("Soak results (" + output + ")");
    System.out.println(JSON.writeValueAsString(report.path("summary")));
  }

  /** The service's state after a full collection, with the minute's load figures. */
  private static ObjectNode snapshot(int minute, long pid, ObjectNode phase) throws Exception {
    ObjectNode s = JSON.createObjectNode();
    s.put("minute", minute);
    jcmd(pid, "GC.run");
    Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
    s.put("heapAfterFullGcMb", used.find() ? round(Long.parseLong(used.group(1)) / 1024.0) : -1);
    s.put("threads", threads(pid));
    s.put("openFileDescriptors", fileDescriptors(pid));
    s.put("rssMb", round(Machine.rss(pid).orElse(0) / 1048576.0));
    if (phase != null) {
      s.put("responses", phase.path("responses").asLong());
      s.put("errors", phase.path("errors").asLong());
      s.put("p99Ms", phase.path("latencyMs").path("p99").asDouble());
      s.put("serviceCores", phase.path("cpuCores").path("service").asDouble());
    }
    return s;
  }

  static ObjectNode summary(JsonNode minutes) {
    ObjectNode summary = JSON.createObjectNode();
    long responses = 0;
    long errors = 0;
    double worstP99 = 0;
    for (JsonNode m : minutes) {
      responses += m.path("responses").asLong();
      errors += m.path("errors").asLong();
      worstP99 = Math.max(worstP99, m.path("p99Ms").asDouble());
    }
    summary.put("responses", responses);
    summary.put("errors", errors);
    summary.put("worstMinuteP99Ms", worstP99);
    for (String series : List.of("heapAfterFullGcMb", "threads", "openFileDescriptors", "rssMb")) {
      summary.set(series, series(minutes, series));
    }
    return summary;
  }

  /** First, last, extremes and the per-minute slope over minutes 1.. (after start-up). */
  private static ObjectNode series(JsonNode minutes, String field) {
    List<double[]> points = new ArrayList<>();
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (JsonNode m : minutes) {
      double value = m.path(field).asDouble();
      min = Math.min(min, value);
      max = Math.max(max, value);
      if (m.path("minute").asInt() >= 1) {
        points.add(new double[] {m.path("minute").asInt(), value});
      }
    }
    ObjectNode s = JSON.createObjectNode();
    s.put("atStart", minutes.get(0).path(field).asDouble());
    s.put("afterMinute1", points.isEmpty() ? Double.NaN : points.get(0)[1]);
    s.put("atEnd", minutes.get(minutes.size() - 1).path(field).asDouble());
    s.put("min", min);
    s.put("max", max);
    s.put("slopePerMinute", round(slope(points)));
    return s;
  }

  static double slope(List<double[]> points) {
    if (points.size() < 2) {
      return 0;
    }
    double n = points.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (double[] p : points) {
      sx += p[0];
      sy += p[1];
      sxx += p[0] * p[0];
      sxy += p[0] * p[1];
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  private static long threads(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Threads:")) {
        return Long.parseLong(line.substring("Threads:".length()).strip());
      }
    }
    return -1;
  }

  private static long fileDescriptors(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    }
  }

  private static String jcmd(long pid, String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  private static double round(double value) {
    return BenchRun.round(value, 1);
  }
}
