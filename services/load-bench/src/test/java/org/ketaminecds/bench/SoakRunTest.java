package org.ketaminecds.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's verdict material: a growing series shows its growth per minute, a flat one none. */
class SoakRunTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void slope_isTheLeastSquaresGrowthPerMinute() {
    assertThat(
            SoakRun.slope(
                List.of(new double[] {1, 10}, new double[] {2, 12}, new double[] {3, 14})))
        .isCloseTo(2.0, within(1e-9));
    assertThat(SoakRun.slope(List.of(new double[] {1, 50}, new double[] {2, 50})))
        .isCloseTo(0.0, within(1e-9));
  }

  @Test
  void summary_reportsEachSeries_leavingStartUpOutOfTheSlope() {
    ArrayNode minutes = JSON.createArrayNode();
    // Minute 0 (before load) is low; afterwards heap grows by 3 MB a minute, threads stay flat.
    minutes.add(minute(0, 40, 30, 0, 0));
    for (int m = 1; m <= 4; m++) {
      minutes.add(minute(m, 100 + 3 * m, 60, 6000, m == 2 ? 1 : 0));
    }
    ObjectNode summary = SoakRun.summary(minutes);
    assertThat(summary.path("responses").asLong()).isEqualTo(24000);
    assertThat(summary.path("errors").asLong()).isEqualTo(1);
    assertThat(summary.path("heapAfterFullGcMb").path("slopePerMinute").asDouble()).isEqualTo(3.0);
    assertThat(summary.path("heapAfterFullGcMb").path("atStart").asDouble()).isEqualTo(40);
    assertThat(summary.path("heapAfterFullGcMb").path("atEnd").asDouble()).isEqualTo(112);
    assertThat(summary.path("threads").path("slopePerMinute").asDouble()).isEqualTo(0.0);
  }

  private static ObjectNode minute(
      int minute, double heap, int threads, long responses, long errors) {
    ObjectNode m = JSON.createObjectNode();
    m.put("minute", minute);
    m.put("heapAfterFullGcMb", heap);
    m.put("threads", threads);
    m.put("openFileDescriptors", 200);
    m.put("rssMb", 400);
    if (minute > 0) {
      m.put("responses", responses);
      m.put("errors", errors);
      m.put("p99Ms", 12);
    }
    return m;
  }
}
