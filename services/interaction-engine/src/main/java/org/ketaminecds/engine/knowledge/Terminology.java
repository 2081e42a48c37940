package org.ketaminecds.engine.knowledge;

import java.util.Optional;
import java.util.Set;
import org.ketaminecds.engine.Code;

/**
 * The narrow port to terminology: which value sets hold a code, which value sets' names occur in
 * free text, and what is known about a value set. Rules name value sets; only this port knows their
 * contents.
 */
public interface Terminology {

  /** Canonical URLs of the value sets that include this code (directly or by class prefix). */
  Set<String> valueSetsOf(Code code);

  /** Canonical URLs of the value sets whose drug or brand names occur as words in the text. */
  Set<String> valueSetsNamedIn(String text);

  /** The value set behind this canonical URL, if it is known. */
  Optional<ValueSetInfo> lookup(String valueSetUrl);

  /** What the engine and the cards need to know about a value set itself. */
  record ValueSetInfo(String url, String version, String title, String name) {}
}
