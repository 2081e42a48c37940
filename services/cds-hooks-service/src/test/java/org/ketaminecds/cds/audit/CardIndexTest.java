package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CardIndexTest {

  private static final CardIndex.Origin ORIGIN = new CardIndex.Origin(Optional.empty(), "2025.1");

  @Test
  void keepsTheNewestCards_forgetsTheOldestFirst() {
    CardIndex index = new CardIndex(3);
    for (String card : new String[] {"c1", "c2", "c3", "c4"}) {
      index.put(card, ORIGIN);
    }

    assertThat(index.find("c1")).isEmpty();
    assertThat(index.find("c2")).contains(ORIGIN);
    assertThat(index.find("c4")).contains(ORIGIN);
  }

  @Test
  void staysWithinItsBound_whenManyCallsAddCardsAtOnce() {
    CardIndex index = new CardIndex(1000);
    IntStream.range(0, 50_000).parallel().forEach(i -> index.put("card-" + i, ORIGIN));

    long kept = IntStream.range(0, 50_000).filter(i -> index.find("card-" + i).isPresent()).count();
    assertThat(kept).isEqualTo(1000);
  }
}
