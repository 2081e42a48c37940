package org.ketaminecds.engine;

/** How a medication or condition was recognised. */
public enum MatchConfidence {
  /** By a code (RxNorm, ATC, SNOMED CT) that a value set includes. */
  CODED,
  /** Only by a name found in free text; cards say so, because text can mislead. */
  TEXT
}
