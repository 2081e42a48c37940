package org.ketaminecds.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The harness reads Gatling's report as Gatling 3.13 writes it. */
class LoadToolsTest {

  @Test
  void gatlingStatistics_areReadFromTheReportScript() throws Exception {
    String script =
        """
        var stats = {
            type: "GROUP",
        name: "All Requests",
        stats: {
            "name": "All Requests",
            "numberOfRequests": { "total": "30012", "ok": "30010", "ko": "2" },
            "percentiles3": { "total": "14", "ok": "14", "ko": "10001" },
            "group1": { "name": "t < 800 ms", "count": 30010 }
        },
        contents: { "req_call": { type: "REQUEST", stats: { "name": "call" } } }
        }
        """;
    JsonNode stats = LoadTools.statsOf(script).path("stats");
    assertThat(stats.path("numberOfRequests").path("total").asLong()).isEqualTo(30012);
    assertThat(stats.path("numberOfRequests").path("ko").asLong()).isEqualTo(2);
    assertThat(stats.path("percentiles3").path("total").asDouble()).isEqualTo(14);
  }
}
