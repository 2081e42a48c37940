package org.ketaminecds.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.ketaminecds.cds.KraftBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One benchmark run, start to end: a Kafka broker, the benchmark EHR, the packaged service; a smoke
 * check that authentication and audit are on; warm-up; then the measured phases, each with its own
 * freshly minted tokens:
 *
 * <ol>
 *   <li>fixed rate (Gatling, open model): {@code bench.rate} calls per second for {@code
 *       bench.fixed-seconds} with the 25-medication payload;
 *   <li>saturation, 25 medications (wrk, closed loop, {@code bench.connections} connections);
 *   <li>ceiling: the same stack answering {@code {"cards":[]}} from {@code
 *       /cds-services/bench-ceiling}, which reads the same 25-medication request bodies to the end
 *       and ignores them, authentication included (wrk, same connections);
 *   <li>saturation, 200 medications (wrk).
 * </ol>
 *
 * The results, the JMH results found under the checkout and the machine are written to {@code
 * bench.output}; a summary is printed. Nothing is left running.
 */
public final class BenchRun {

  private static final Logger log = LoggerFactory.getLogger(BenchRun.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Targets of issue 7 (2 cores). */
  static final double TARGET_P99_MS = 20;

  static final double TARGET_CEILING_SHARE = 0.5;
  static final long TARGET_RSS_BYTES = 600L * 1024 * 1024;

  /**
   * Gatling's own warm-up before the fixed-rate calls it measures ({@link FixedRateSimulation}).
   */
  static final Duration GATLING_WARM_UP = Duration.ofSeconds(10);

  private BenchRun() {}

  public static void main(String[] args) throws Exception {
    BenchSettings settings = BenchSettings.fromSystemProperties();
    requireWrk();
    ObjectNode report = JSON.createObjectNode();
    report.put("startedAt", Instant.now().toString());
    report.set("quietWait", waitForQuiet(settings));
    report.set("machine", machine());
    resetDirectory(settings.work());

    List<String> jvm = new ArrayList<>(settings.serviceJvm());
    if (settings.profile()) {
      jvm.add("-XX:FlightRecorderOptions=stackdepth=256");
      jvm.add(
          "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
              + settings.work().resolve("service.jfr"));
    }
    try (KraftBroker broker = KraftBroker.onFreePorts(settings.work().resolve("kafka"))) {
      broker.start();
      createAuditTopic(broker.bootstrapServers());
      try (BenchIssuer issuer = new BenchIssuer(settings.jwtAlgorithm());
          ServiceProcess service =
              ServiceProcess.start(
                  settings.serviceJar(), jvm, settings.work(), broker.bootstrapServers(), issuer);
          Sampler sampler = new Sampler(service.pid())) {
        report.set("service", serviceFacts(settings, jvm, issuer, service));
        Workload workload = Workload.write(settings.work());
        report.set("workload", workloadFacts(workload));
        report.set("checks", smokeCheck(service, workload, issuer));
        runPhases(settings, workload, issuer, service, sampler, report);
        report.set("audit", auditFacts(service));
      }
    }
    report.set("summary", summary(report));
    report.set("jmh", jmh(settings.root()));
    report.put("finishedAt", Instant.now().toString());
    Files.createDirectories(settings.output().getParent());
    JSON.writeValue(settings.output().toFile(), report);
    print(report, settings.output());
  }

  private static void runPhases(
      BenchSettings s,
      Workload workload,
      BenchIssuer issuer,
      ServiceProcess service,
      Sampler sampler,
      ObjectNode report)
      throws Exception {
    Phases run = new Phases(s, workload, issuer, service, sampler, report.putObject("phases"));
    Duration warmupLimit = Duration.ofSeconds(90);
    // Warm-up, not measured: the JIT compiles each path, and each kind's throughput sizes the
    // token sets of the measured phases.
    double rate25 =
        run.closedLoop("warmup25", workload.medications25(), s.warmupRequests(), warmupLimit);
    double rateCeiling =
        run.closedLoop("warmupCeiling", workload.ceiling(), s.warmupRequests(), warmupLimit);
    double rate200 =
        run.closedLoop(
            "warmup200",
            workload.medications200(),
            Math.max(500, s.warmupRequests() / 10),
            warmupLimit);

    run.fixedRate("fixedRate25", workload.medications25());
    run.closedLoop("saturation25", workload.medications25(), run.tokensFor(rate25), s.phase());
    run.closedLoop("ceiling", workload.ceiling(), run.tokensFor(rateCeiling), s.phase());
    run.closedLoop("saturation200", workload.medications200(), run.tokensFor(rate200), s.phase());
  }

  /** Runs phases against one service and records them. */
  private record Phases(
      BenchSettings s,
      Workload workload,
      BenchIssuer issuer,
      ServiceProcess service,
      Sampler sampler,
      ObjectNode phases) {

    /** Enough tokens for a phase at half again the throughput seen in warm-up, within the cap. */
    int tokensFor(double warmupRate) {
      return (int) Math.min(s.tokenCap(), Math.max(2000, warmupRate * s.phase().toSeconds() * 1.5));
    }

    /** A closed-loop wrk phase; returns its throughput. */
    double closedLoop(String name, List<Workload.Body> bodies, int requests, Duration limit)
        throws Exception {
      String base = service.baseUrl();
      log.info("{}: minting {} tokens", name, requests);
      Workload.Plan plan = workload.plan(name, bodies, requests, issuer, base);
      service.awaitIdle();
      log.info(
          "{}: {} connections, up to {} requests or {} s",
          name,
          s.connections(),
          requests,
          limit.toSeconds());
      ObjectNode phase =
          wrkPhase(
              LoadTools.wrk(s.work(), workload, plan, base, s.connections(), limit, sampler),
              s.connections(),
              describe(bodies));
      phases.set(name, phase);
      return phase.path("throughputPerS").asDouble();
    }

    /** The open-model phase at the configured rate, with Gatling. */
    void fixedRate(String name, List<Workload.Body> bodies) throws Exception {
      String base = service.baseUrl();
      int requests = gatlingTokens(s.rate(), s.fixedDuration());
      int warmUpRequests = gatlingTokens(s.rate(), GATLING_WARM_UP);
      log.info("{}: minting {} tokens", name, requests + warmUpRequests);
      Workload.Plan warmUpPlan =
          workload.plan(name + "WarmUp", bodies, warmUpRequests, issuer, base);
      Workload.Plan plan = workload.plan(name, bodies, requests, issuer, base);
      service.awaitIdle();
      log.info(
          "{}: {} calls/s for {} s after {} s of warm-up at that rate",
          name,
          s.rate(),
          s.fixedDuration().toSeconds(),
          GATLING_WARM_UP.toSeconds());
      phases.set(
          name,
          gatlingPhase(
              LoadTools.gatling(
                  s.work(),
                  workload,
                  warmUpPlan,
                  GATLING_WARM_UP,
                  plan,
                  base,
                  s.rate(),
                  s.fixedDuration(),
                  sampler),
              s.rate(),
              s.fixedDuration(),
              describe(bodies)));
    }

    private String describe(List<Workload.Body> bodies) {
      if (bodies == workload.ceiling()) {
        return "POST " + Workload.CEILING_PATH + " with the 25-medication bodies, read and ignored";
      }
      return (bodies == workload.medications25() ? 25 : 200)
          + " medications, "
          + Math.round(100 * Workload.ketamineShare(bodies))
          + " % ketamine orders";
    }
  }

  private static ObjectNode wrkPhase(LoadTools.Measured m, int connections, String requests) {
    JsonNode r = m.report();
    ObjectNode phase = JSON.createObjectNode();
    phase.put("tool", "wrk 4.1.0, closed loop, " + connections + " connections, 2 threads");
    phase.put("requests", requests);
    // From the first request to the last answer: a phase whose tokens are spent ends early.
    double seconds = r.path("activeUs").asDouble() / 1e6;
    long count = r.path("requests").asLong();
    phase.put("durationS", round(seconds, 2));
    phase.put("responses", count);
    phase.put("throughputPerS", round(count / seconds, 1));
    JsonNode e = r.path("errors");
    long errors =
        e.path("connect").asLong()
            + e.path("read").asLong()
            + e.path("write").asLong()
            + e.path("status").asLong()
            + e.path("timeout").asLong();
    phase.put("errors", errors);
    phase.set("errorDetail", e);
    phase.set("statusesOtherThan200", r.path("statuses"));
    ObjectNode latency = phase.putObject("latencyMs");
    JsonNode l = r.path("latencyUs");
    for (String p : List.of("p50", "p90", "p99", "p999", "max", "mean")) {
      latency.put(p, round(l.path(p).asDouble() / 1000, 2));
    }
    sample(phase, m.sample());
    return phase;
  }

  /**
   * Tokens for an open-model Gatling run at {@code rate} for {@code duration}: its randomised
   * arrivals may exceed the mean, and a call without a token of its own would be refused.
   */
  static int gatlingTokens(int rate, Duration duration) {
    return (int) Math.ceil(rate * duration.toSeconds() * 1.1) + 100;
  }

  static ObjectNode gatlingPhase(
      LoadTools.Measured m, int rate, Duration duration, String requests) {
    JsonNode stats = m.report().path("stats");
    ObjectNode phase = JSON.createObjectNode();
    phase.put(
        "tool",
        "Gatling 3.13.5, open model: constantUsersPerSec("
            + rate
            + ").during("
            + duration.toSeconds()
            + " s).randomized() after "
            + GATLING_WARM_UP.toSeconds()
            + " s at that rate not measured, shared keep-alive connections");
    phase.put("requests", requests);
    phase.put("offeredRatePerS", rate);
    phase.put("durationS", duration.toSeconds());
    long total = stats.path("numberOfRequests").path("total").asLong();
    long ko = stats.path("numberOfRequests").path("ko").asLong();
    phase.put("responses", total);
    // Gatling's own mean rate divides by the whole run, warm-up included.
    phase.put("throughputPerS", round((double) total / duration.toSeconds(), 1));
    phase.put("errors", ko);
    ObjectNode latency = phase.putObject("latencyMs");
    latency.put("p50", stats.path("percentiles1").path("total").asDouble());
    latency.put("p90", stats.path("percentiles2").path("total").asDouble());
    latency.put("p99", stats.path("percentiles3").path("total").asDouble());
    latency.put("p999", stats.path("percentiles4").path("total").asDouble());
    latency.put("max", stats.path("maxResponseTime").path("total").asDouble());
    latency.put("mean", stats.path("meanResponseTime").path("total").asDouble());
    phase.put("latencyResolution", "1 ms (Gatling records whole milliseconds)");
    sample(phase, m.sample());
    return phase;
  }

  private static void sample(ObjectNode phase, Sampler.Sample s) {
    ObjectNode rss = phase.putObject("serviceRssMb");
    rss.put("peak", round(s.peakRss() / 1048576.0, 1));
    rss.put("end", round(s.endRss() / 1048576.0, 1));
    ObjectNode load = phase.putObject("loadAverage1m");
    load.put("before", s.loadBefore());
    load.put("after", s.loadAfter());
    ObjectNode cpu = phase.putObject("cpuCores");
    cpu.put("service", round(s.serviceCores(), 2));
    cpu.put("loadGenerator", round(s.generatorCores(), 2));
    cpu.put("harnessAndKafka", round(s.harnessCores(), 2));
    cpu.put("otherProcesses", round(s.otherCores(), 2));
  }

  private static ObjectNode summary(ObjectNode report) {
    JsonNode p = report.path("phases");
    ObjectNode summary = JSON.createObjectNode();
    double ceiling = p.path("ceiling").path("throughputPerS").asDouble();
    double sat25 = p.path("saturation25").path("throughputPerS").asDouble();
    double sat200 = p.path("saturation200").path("throughputPerS").asDouble();
    summary.put("saturation25ShareOfCeiling", round(sat25 / ceiling, 3));
    summary.put("saturation200ShareOfCeiling", round(sat200 / ceiling, 3));
    JsonNode fixed = p.path("fixedRate25");
    double p99 = fixed.path("latencyMs").path("p99").asDouble();
    long errors = 0;
    for (String name : List.of("fixedRate25", "saturation25", "saturation200", "ceiling")) {
      errors += p.path(name).path("errors").asLong();
    }
    double rssPeak = 0;
    for (String name : List.of("fixedRate25", "saturation25", "saturation200", "ceiling")) {
      rssPeak = Math.max(rssPeak, p.path(name).path("serviceRssMb").path("peak").asDouble());
    }
    summary.put("serviceRssPeakMb", rssPeak);
    ObjectNode targets = summary.putObject("targets");
    target(
        targets,
        "p99AtFixedRate",
        p99 + " ms at " + fixed.path("offeredRatePerS").asInt() + "/s (target <= 20 ms)",
        p99 <= TARGET_P99_MS);
    target(
        targets,
        "errorsAtFixedRate",
        fixed.path("errors").asLong() + " (target 0)",
        fixed.path("errors").asLong() == 0);
    target(
        targets,
        "saturationShareOfCeiling",
        round(100 * sat25 / ceiling, 1) + " % (25 medications; target >= 50 %)",
        sat25 / ceiling >= TARGET_CEILING_SHARE);
    double fixedRss = fixed.path("serviceRssMb").path("peak").asDouble();
    target(
        targets,
        "rssAtFixedRate",
        fixedRss + " MB peak (target <= 600 MB)",
        fixedRss * 1048576 <= TARGET_RSS_BYTES);
    summary.put("errorsInAllMeasuredPhases", errors);
    return summary;
  }

  private static void target(ObjectNode targets, String name, String value, boolean met) {
    ObjectNode t = targets.putObject(name);
    t.put("value", value);
    t.put("met", met);
  }

  /** Proves, before any load, that calls are authenticated, checked and audited. */
  static ObjectNode smokeCheck(ServiceProcess service, Workload workload, BenchIssuer issuer)
      throws Exception {
    ObjectNode checks = JSON.createObjectNode();
    String base = service.baseUrl();
    Workload.Body ketamine =
        workload.medications25().stream().filter(Workload.Body::ketamine).findFirst().orElseThrow();
    Workload.Body other =
        workload.medications25().stream().filter(b -> !b.ketamine()).findFirst().orElseThrow();
    Workload.Body ceiling = workload.ceiling().get(0);
    String token = issuer.mint(List.of(base + ketamine.path())).get(0);
    HttpResponse<String> answer = post(base, ketamine, workload, token);
    JsonNode cards = JSON.readTree(answer.body()).path("cards");
    require(answer.statusCode() == 200 && cards.size() > 0, "a ketamine order gets cards", answer);
    checks.put("ketamineOrderCards", cards.size());
    HttpResponse<String> replay = post(base, ketamine, workload, token);
    require(replay.statusCode() == 401, "a replayed token is refused (401)", replay);
    HttpResponse<String> none = post(base, ketamine, workload, null);
    require(none.statusCode() == 401, "a call without a token is refused (401)", none);
    checks.put("authentication", "on: no token and a replayed token both get 401");
    HttpResponse<String> otherAnswer =
        post(base, other, workload, issuer.mint(List.of(base + other.path())).get(0));
    require(
        otherAnswer.statusCode() == 200
            && JSON.readTree(otherAnswer.body()).path("cards").isEmpty(),
        "another drug's order gets no cards",
        otherAnswer);
    HttpResponse<String> ceilingAnswer =
        post(base, ceiling, workload, issuer.mint(List.of(base + ceiling.path())).get(0));
    require(
        ceilingAnswer.statusCode() == 200 && ceilingAnswer.body().equals("{\"cards\":[]}"),
        "the ceiling endpoint answers {\"cards\":[]}",
        ceilingAnswer);
    String readiness = service.readiness();
    require(
        readiness.contains("\"mode\":\"relay\"") && readiness.contains("\"kafka\":\"up\""),
        "audit events reach Kafka through the outbox (readiness: audit mode relay, kafka up)",
        null);
    checks.put("audit", "on: events fsync'd into the outbox, relayed to Kafka (mode relay)");
    return checks;
  }

  private static HttpResponse<String> post(
      String base, Workload.Body body, Workload workload, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + body.path()))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofFile(
                    workload.bodies().resolve(body.index() + ".json")));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void require(boolean ok, String what, HttpResponse<String> response) {
    if (!ok) {
      throw new IllegalStateException(
          "smoke check failed: "
              + what
              + (response == null
                  ? ""
                  : " (got " + response.statusCode() + ": " + brief(response.body()) + ")"));
    }
    log.info("check: {}", what);
  }

  private static String brief(String body) {
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }

  private static final String OUTBOX_DEPTH = "cds_audit_outbox_depth(\\{[^}]*\\})?";

  /**
   * The audit counters once the outbox has had time to drain (up to 30 s): the relay sends the last
   * events of a phase up to {@code OutboxRelay.PACE} after they were stored, so a depth read at
   * once can show a handful still on their way.
   */
  static ObjectNode auditFacts(ServiceProcess service) throws Exception {
    String metrics = service.metrics();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (metric(metrics, OUTBOX_DEPTH) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      metrics = service.metrics();
    }
    ObjectNode audit = JSON.createObjectNode();
    audit.put("eventsViaKafka", metric(metrics, "cds_audit_events_total\\{[^}]*via=\"kafka\""));
    audit.put("eventsViaOutbox", metric(metrics, "cds_audit_events_total\\{[^}]*via=\"outbox\""));
    audit.put("directSendFailures", metric(metrics, "cds_audit_send_failures_total\\{[^}]*direct"));
    audit.put("outboxDepthAtEnd", metric(metrics, OUTBOX_DEPTH));
    return audit;
  }

  private static long metric(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "[^ ]*\\s+([0-9.eE+-]+)$").matcher(metrics);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(m.groupCount()));
    }
    return Math.round(total);
  }

  private static ObjectNode serviceFacts(
      BenchSettings s, List<String> options, BenchIssuer issuer, ServiceProcess service)
      throws Exception {
    ObjectNode facts = JSON.createObjectNode();
    facts.put("launch", "java -jar " + s.root().relativize(s.serviceJar()));
    ArrayNode jvm = facts.putArray("jvmOptions");
    options.forEach(jvm::add);
    facts.put("jvmFlags", vmFlags(service.pid()));
    facts.put(
        "authentication",
        issuer.algorithm()
            + " JWT from the benchmark EHR (JWK Set on loopback), fresh jti and aud = endpoint"
            + " URL per call");
    facts.put("audit", "Kafka (KRaft broker in the harness JVM, topic cds.audit, 6 partitions)");
    return facts;
  }

  /** The service JVM's chosen collector and heap bounds, from {@code jcmd VM.flags}. */
  private static String vmFlags(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return "unknown (no jcmd)";
    }
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.flags").start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    List<String> wanted = new ArrayList<>();
    for (String flag : out.split("\\s+")) {
      if (flag.matches("-XX:\\+Use\\w+GC|-XX:(MaxHeapSize|InitialHeapSize)=\\d+")) {
        wanted.add(flag);
      }
    }
    return String.join(" ", wanted);
  }

  private static ObjectNode workloadFacts(Workload workload) {
    ObjectNode facts = JSON.createObjectNode();
    facts.put(
        "calls",
        "order-sign and order-select (half each) with complete prefetch: Patient; active"
            + " MedicationRequests and MedicationStatements coded with product-level RxNorm codes"
            + " (one in eight from the pack's VA product value sets, the rest common drugs in no"
            + " value set); 2-5 active Conditions (SNOMED CT); 3 blood-pressure panels (LOINC)");
    facts.put("bodies25", workload.medications25().size());
    facts.put("bodies200", workload.medications200().size());
    facts.put("ketamineShare25", round(Workload.ketamineShare(workload.medications25()), 3));
    facts.put("ketamineShare200", round(Workload.ketamineShare(workload.medications200()), 3));
    facts.put(
        "tokens",
        "minted before each phase (signing not measured); every call has its own jti and aud");
    return facts;
  }

  static ObjectNode machine() {
    ObjectNode m = JSON.createObjectNode();
    m.put("cores", Machine.cores());
    m.put("memoryGiB", round(Machine.memoryGiB(), 1));
    m.put("cpu", Machine.cpuModel());
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("loadAverage1mAtStart", Machine.loadAverage());
    m.put(
        "note",
        "service, Kafka broker and load generators share these cores; see each phase's cpuCores");
    return m;
  }

  /** The JMH results of this checkout (engine evaluation, request parsing), if they were run. */
  private static ArrayNode jmh(Path root) throws IOException {
    ArrayNode all = JSON.createArrayNode();
    for (String module : List.of("services/interaction-engine", "services/cds-hooks-service")) {
      Path file = root.resolve(module).resolve("target/jmh-result.json");
      if (!Files.exists(file)) {
        continue;
      }
      for (JsonNode b : JSON.readTree(file.toFile())) {
        ObjectNode entry = all.addObject();
        entry.put(
            "benchmark", b.path("benchmark").asText().replaceAll("^.*\\.(\\w+\\.\\w+)$", "$1"));
        entry.set("params", b.path("params"));
        entry.put("mode", b.path("mode").asText());
        entry.put("score", round(b.path("primaryMetric").path("score").asDouble(), 1));
        entry.put("error", round(b.path("primaryMetric").path("scoreError").asDouble(), 1));
        entry.put("unit", b.path("primaryMetric").path("scoreUnit").asText());
        entry.put("measuredAt", Files.getLastModifiedTime(file).toString());
      }
    }
    return all;
  }

  /** Waits, within the configured limit, for other work on the machine to die down. */
  private static ObjectNode waitForQuiet(BenchSettings s) throws InterruptedException {
    ObjectNode quiet = JSON.createObjectNode();
    quiet.put("threshold", s.quietLoad());
    long deadline = System.nanoTime() + s.quietWait().toNanos();
    double load = Machine.loadAverage();
    while (load >= s.quietLoad() && System.nanoTime() < deadline) {
      log.info("load average {} >= {}: waiting for a quiet machine", load, s.quietLoad());
      TimeUnit.SECONDS.sleep(15);
      load = Machine.loadAverage();
    }
    quiet.put("loadAverage1m", load);
    quiet.put("quiet", load < s.quietLoad());
    return quiet;
  }

  static void createAuditTopic(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic("cds.audit", 6, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static void requireWrk() throws IOException, InterruptedException {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException(
          "wrk is not installed: apt-get install wrk (bench/run.sh installs it when it can)", e);
    }
  }

  static void resetDirectory(Path work) throws IOException {
    if (Files.exists(work)) {
      try (Stream<Path> paths = Files.walk(work)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(work);
  }

  private static void print(JsonNode report, Path output) {
    JsonNode p = report.path("phases");
    StringBuilder out = new StringBuilder("\nResults (").append(output).append(")\n");
    out.append(
        String.format(
            "%-15s %10s %8s %8s %8s %8s %7s %9s %9s %6s%n",
            "phase",
            "req/s",
            "p50 ms",
            "p99 ms",
            "p99.9 ms",
            "errors",
            "RSS MB",
            "svc cores",
            "other",
            "load"));
    for (String name :
        List.of(
            "warmup25",
            "warmupCeiling",
            "warmup200",
            "fixedRate25",
            "saturation25",
            "ceiling",
            "saturation200")) {
      JsonNode phase = p.path(name);
      JsonNode l = phase.path("latencyMs");
      out.append(
          String.format(
              "%-15s %10.1f %8.2f %8.2f %8.2f %8d %7.0f %9.2f %9.2f %6.2f%n",
              name,
              phase.path("throughputPerS").asDouble(),
              l.path("p50").asDouble(),
              l.path("p99").asDouble(),
              l.path("p999").asDouble(),
              phase.path("errors").asLong(),
              phase.path("serviceRssMb").path("peak").asDouble(),
              phase.path("cpuCores").path("service").asDouble(),
              phase.path("cpuCores").path("otherProcesses").asDouble(),
              phase.path("loadAverage1m").path("before").asDouble()));
    }
    report
        .path("summary")
        .path("targets")
        .fields()
        .forEachRemaining(
            t ->
                out.append(
                    String.format(
                        "%-26s %-4s %s%n",
                        t.getKey(),
                        t.getValue().path("met").asBoolean() ? "met" : "MISS",
                        t.getValue().path("value").asText())));
    out.append("audit: ").append(report.path("audit")).append('\n');
    log.info(out.toString());
  }

  static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
