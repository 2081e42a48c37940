package org.ketaminecds.engine;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One medication as the engine sees it, whatever FHIR shape it arrived in.
 *
 * @param reference the FHIR reference of the resource it came from (e.g. {@code
 *     MedicationRequest/123}); used to name it on cards and in suggestions
 * @param origin draft order, medication request or medication statement
 * @param codes every coding known for it: product (SCD/SBD), ingredient, ATC, local codes, and the
 *     ingredients of a referenced Medication
 * @param names free-text names: CodeableConcept.text, coding displays, brand names; the fallback
 *     for matching when no code is recognised
 * @param route the route of administration, when known
 * @param endedOn for a medication the patient no longer takes, the day it ended; empty while active
 */
public record Medication(
    String reference,
    Origin origin,
    List<Code> codes,
    List<String> names,
    Route route,
    Optional<LocalDate> endedOn) {

  /**
   * The day a medication ended when it has ended but no record says when: rules that look back
   * after an end (the MAOI washout) count it, since it may have ended yesterday; others do not.
   */
  public static final LocalDate END_UNKNOWN = LocalDate.MIN;

  public Medication {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(origin, "origin");
    codes = List.copyOf(codes);
    names = names.stream().filter(n -> n != null && !n.isBlank()).toList();
    route = route == null ? Route.UNKNOWN : route;
    endedOn = endedOn == null ? Optional.empty() : endedOn;
  }

  public static Medication active(
      String reference, Origin origin, List<Code> codes, List<String> names, Route route) {
    return new Medication(reference, origin, codes, names, route, Optional.empty());
  }

  public boolean isActive() {
    return endedOn.isEmpty();
  }

  /** A short human name for cards: the first name given, else the first code. */
  public String displayName() {
    if (!names.isEmpty()) {
      return names.get(0);
    }
    return codes.isEmpty() ? reference : codes.get(0).code();
  }
}
