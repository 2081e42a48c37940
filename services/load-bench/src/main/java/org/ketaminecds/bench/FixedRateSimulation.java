package org.ketaminecds.bench;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.tsv;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The fixed-rate phase, run by Gatling in a JVM of its own: an open workload model, so new calls
 * arrive at the offered rate (randomised, as independent EHR sessions do) whether or not earlier
 * ones have been answered, and a slow answer cannot hold back the next call (no coordinated
 * omission). Connections are shared and kept alive, as an EHR's HTTP client pool would. Each call
 * is the next line of its plan: its own body and token. Only a 200 counts as a success.
 *
 * <p>The measured calls ({@link #MEASURED}) follow a warm-up at the same rate ({@link #WARM_UP},
 * from a plan of its own): a freshly started Gatling JVM compiles its HTTP client and opens its
 * connections in the first seconds, and answers it times then are late by up to 350 ms whatever the
 * service does (seen in the report's per-second percentiles).
 */
public class FixedRateSimulation extends Simulation {

  static final String MEASURED = "call";
  static final String WARM_UP = "warm-up";

  private final byte[][] bodies = bodies();

  {
    int rate = Integer.getInteger("bench.rate");
    HttpProtocolBuilder protocol =
        http.baseUrl(System.getProperty("bench.base-url"))
            .shareConnections()
            .disableCaching()
            .disableFollowRedirect()
            .acceptHeader("application/json")
            .contentTypeHeader("application/json");
    ScenarioBuilder warmUp = calls(WARM_UP, System.getProperty("bench.warmup-plan"));
    ScenarioBuilder calls = calls(MEASURED, System.getProperty("bench.plan"));
    setUp(
            warmUp
                .injectOpen(
                    constantUsersPerSec(rate)
                        .during(Duration.ofSeconds(Long.getLong("bench.warmup-seconds")))
                        .randomized())
                .andThen(
                    calls.injectOpen(
                        constantUsersPerSec(rate)
                            .during(Duration.ofSeconds(Long.getLong("bench.seconds")))
                            .randomized())))
        .protocols(protocol);
  }

  private ScenarioBuilder calls(String name, String plan) {
    return scenario(name)
        .feed(tsv(plan).queue())
        .exec(
            http(name)
                .post("#{path}")
                .header("Authorization", "Bearer #{token}")
                .body(ByteArrayBody(s -> bodies[Integer.parseInt(s.getString("body"))]))
                .check(status().is(200)));
  }

  private static byte[][] bodies() {
    Path directory = Path.of(System.getProperty("bench.bodies"));
    byte[][] bodies = new byte[Integer.getInteger("bench.body-count")][];
    try {
      for (int i = 0; i < bodies.length; i++) {
        bodies[i] = Files.readAllBytes(directory.resolve(i + ".json"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bodies;
  }
}
