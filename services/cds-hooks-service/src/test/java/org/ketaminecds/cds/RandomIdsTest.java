package org.ketaminecds.cds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RandomIdsTest {

  @Test
  void idsAreCanonicalVersion4UuidsWithTheIetfVariant() {
    for (int i = 0; i < 1000; i++) {
      String id = RandomIds.uuid();
      UUID parsed = UUID.fromString(id);
      assertThat(parsed.toString()).isEqualTo(id);
      assertThat(parsed.version()).isEqualTo(4);
      assertThat(parsed.variant()).isEqualTo(2);
    }
  }

  @Test
  void idsDoNotRepeatWithinOrAcrossThreads() {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    IntStream.range(0, 8)
        .parallel()
        .forEach(
            t -> {
              Set<String> mine = new HashSet<>();
              for (int i = 0; i < 10_000; i++) {
                mine.add(RandomIds.uuid());
              }
              ids.addAll(mine);
            });
    assertThat(ids).hasSize(80_000);
  }
}
