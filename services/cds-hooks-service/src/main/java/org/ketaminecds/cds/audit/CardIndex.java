package org.ketaminecds.cds.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers, for recently returned cards, the patient and rule-pack version of the call that
 * produced them, so that feedback on a card is keyed (and so ordered) with that patient's other
 * events. Bounded: the oldest cards are forgotten first, and feedback on a forgotten card is keyed
 * by the card uuid instead.
 */
final class CardIndex {

  /**
   * @param patient absent when the call named no patient
   */
  record Origin(Optional<PatientRef> patient, String rulePackVersion) {}

  private final Map<String, Origin> cards;

  CardIndex(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("cds.audit.card-index-size must be at least 1");
    }
    this.cards =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Origin> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized void put(String cardUuid, Origin origin) {
    cards.put(cardUuid, origin);
  }

  synchronized Optional<Origin> find(String cardUuid) {
    return Optional.ofNullable(cards.get(cardUuid));
  }
}
