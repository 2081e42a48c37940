package org.ketaminecds.engine;

import java.util.List;

/**
 * A medication that a rule's class recognised, and what it was recognised as.
 *
 * @param ingredients the class members it contains, by name ("phenelzine"); empty when only a class
 *     code (an ATC group) matched
 * @param confidence by code, or by name only
 */
public record MedicationMatch(
    Medication medication, List<String> ingredients, MatchConfidence confidence) {

  public MedicationMatch {
    ingredients = List.copyOf(ingredients);
  }

  /** The short name cards use: the matched ingredient(s), else the medication's own name. */
  public String name() {
    return ingredients.isEmpty() ? medication.displayName() : String.join("/", ingredients);
  }
}
