package org.ketaminecds.engine.knowledge;

import java.util.List;
import java.util.Set;
import org.ketaminecds.engine.Code;

/**
 * The expanded content of one value set, as read from its FHIR ValueSet file.
 *
 * @param codes codes included one by one
 * @param prefixes class codes whose descendants are included by code prefix (ATC "is-a" filters:
 *     N06AB includes N06AB06); each entry's {@code code} is the prefix
 * @param names drug, brand and condition names used for free-text matching
 * @param unverifiedCodes codes the knowledge owners could not yet confirm; they still match, and
 *     stay flagged so they are confirmed before the pack is trusted for them
 */
public record ValueSetContent(
    Terminology.ValueSetInfo info,
    Set<Code> codes,
    Set<Code> prefixes,
    List<String> names,
    Set<Code> unverifiedCodes) {

  public ValueSetContent {
    codes = Set.copyOf(codes);
    prefixes = Set.copyOf(prefixes);
    names = List.copyOf(names);
    unverifiedCodes = Set.copyOf(unverifiedCodes);
  }
}
