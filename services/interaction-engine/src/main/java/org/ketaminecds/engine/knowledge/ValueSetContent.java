package org.ketaminecds.engine.knowledge;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.ketaminecds.engine.Code;

/**
 * The content of one value set, as read from its FHIR ValueSet file.
 *
 * @param concepts codes included one by one, with what each stands for
 * @param prefixes class codes whose descendants are included by code prefix ("is-a" filters on ATC
 *     and ICD-10: N06AB includes N06AB06, I25 includes I25.10); each entry's {@code code} is the
 *     prefix
 * @param names drug, brand and condition names used for free-text matching, each with the concept
 *     it stands for ("Zoloft" stands for sertraline)
 */
public record ValueSetContent(
    Terminology.ValueSetInfo info,
    Map<Code, Concept> concepts,
    Set<Code> prefixes,
    List<Name> names) {

  public ValueSetContent {
    concepts = Map.copyOf(concepts);
    prefixes = Set.copyOf(prefixes);
    names = List.copyOf(names);
  }

  /**
   * One listed code.
   *
   * @param ingredients for a product, the ingredient(s) it contains (from the ingredient
   *     extension); for an ingredient or condition, empty: the display names it
   * @param unverified the knowledge owners could not yet confirm the code against its authority; it
   *     still matches, and stays flagged until confirmed
   */
  public record Concept(Code code, String display, List<String> ingredients, boolean unverified) {
    public Concept {
      ingredients = List.copyOf(ingredients);
    }

    /** What this code stands for, by name: its ingredients, or its own display. */
    public List<String> names() {
      return ingredients.isEmpty() ? List.of(display) : ingredients;
    }
  }

  /**
   * A name to look for in free text and the concept it stands for.
   *
   * @param exclusion a phrase that does not mean this value set ("pulmonary hypertension" for
   *     hypertension): it matches nothing itself, but, being longer, it keeps the names inside it
   *     from matching. A name may hold one gap, {@value InMemoryTerminology#GAP}, for up to three
   *     words of any kind ("family history of ... aneurysm").
   */
  public record Name(String text, String concept, boolean exclusion) {
    public Name(String text, String concept) {
      this(text, concept, false);
    }
  }

  public Set<Code> codes() {
    return concepts.keySet();
  }

  public Set<Code> unverifiedCodes() {
    return concepts.values().stream()
        .filter(Concept::unverified)
        .map(Concept::code)
        .collect(Collectors.toUnmodifiableSet());
  }
}
