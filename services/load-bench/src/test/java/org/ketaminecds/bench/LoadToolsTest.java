package org.ketaminecds.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The harness reads Gatling's report as Gatling 3.13 writes it. */
class LoadToolsTest {

  @Test
  void gatlingStatistics_ofTheMeasuredCalls_areReadFromTheReportScript() throws Exception {
    String script =
        """
        var stats = {
            type: "GROUP",
        name: "All Requests",
        stats: {
            "name": "All Requests",
            "numberOfRequests": { "total": "35012", "ok": "35010", "ko": "2" },
            "percentiles3": { "total": "90", "ok": "90", "ko": "10001" }
        },
        contents: {
        "req_warm-up": { type: "REQUEST", name: "warm-up", stats: {
            "name": "warm-up",
            "numberOfRequests": { "total": "5000", "ok": "5000", "ko": "0" },
            "percentiles3": { "total": "300", "ok": "300", "ko": "-" }
        } },
        "req_call": { type: "REQUEST", name: "call", stats: {
            "name": "call",
            "numberOfRequests": { "total": "30012", "ok": "30010", "ko": "2" },
            "percentiles3": { "total": "14", "ok": "14", "ko": "10001" },
            "group1": { "name": "t < 800 ms", "count": 30010 }
        } }
        }
        }
        """;
    JsonNode stats = LoadTools.statsOf(script, "call").path("stats");
    assertThat(stats.path("numberOfRequests").path("total").asLong()).isEqualTo(30012);
    assertThat(stats.path("numberOfRequests").path("ko").asLong()).isEqualTo(2);
    assertThat(stats.path("percentiles3").path("total").asDouble()).isEqualTo(14);
  }
}
