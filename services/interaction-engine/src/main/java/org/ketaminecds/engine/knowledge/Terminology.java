package org.ketaminecds.engine.knowledge;

import java.util.List;
import java.util.Optional;
import org.ketaminecds.engine.Code;

/**
 * The narrow port to terminology: which value sets hold a code, which value sets' names occur in
 * free text, and what is known about a value set. Rules name value sets; only this port knows their
 * contents.
 */
public interface Terminology {

  /**
   * The value sets that include this code, directly or by class prefix (ATC, ICD-10), each with the
   * concepts (ingredients, conditions) the code stands for.
   */
  List<ConceptMatch> matchCode(Code code);

  /**
   * The value sets whose drug, brand or condition names occur as whole words in the text; where
   * names overlap, only the longest counts.
   */
  List<ConceptMatch> matchText(String text);

  /** The value set behind this canonical URL, if it is known. */
  Optional<ValueSetInfo> lookup(String valueSetUrl);

  /**
   * One value set that recognised a code or a text.
   *
   * @param concepts what was recognised, by name ("sertraline"; both ingredients of a combination
   *     product); empty when only a class prefix matched and the drug itself is not listed
   */
  record ConceptMatch(String valueSet, List<String> concepts) {
    public ConceptMatch {
      concepts = List.copyOf(concepts);
    }
  }

  /** What the engine and the cards need to know about a value set itself. */
  record ValueSetInfo(String url, String version, String title, String name) {}
}
