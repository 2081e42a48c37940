package org.ketaminecds.cds.audit;

import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Remembers, for recently returned cards, the patient and rule-pack version of the call that
 * produced them, so that feedback on a card is keyed (and so ordered) with that patient's other
 * events. Bounded: the oldest cards are forgotten first, and feedback on a forgotten card is keyed
 * by the card uuid instead. Concurrent without a lock: every answered call with cards writes here.
 */
final class CardIndex {

  /**
   * @param patient absent when the call named no patient
   */
  record Origin(Optional<PatientRef> patient, String rulePackVersion) {}

  private final int capacity;
  private final ConcurrentHashMap<String, Origin> cards = new ConcurrentHashMap<>();

  /** Card uuids, oldest first. */
  private final Queue<String> added = new ConcurrentLinkedQueue<>();

  CardIndex(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("cds.audit.card-index-size must be at least 1");
    }
    this.capacity = capacity;
  }

  void put(String cardUuid, Origin origin) {
    if (cards.put(cardUuid, origin) != null) {
      return;
    }
    added.add(cardUuid);
    while (cards.size() > capacity) {
      String oldest = added.poll();
      if (oldest == null) {
        return;
      }
      cards.remove(oldest);
    }
  }

  Optional<Origin> find(String cardUuid) {
    return Optional.ofNullable(cards.get(cardUuid));
  }
}
