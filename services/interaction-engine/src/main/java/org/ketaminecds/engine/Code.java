package org.ketaminecds.engine;

import java.util.Locale;
import java.util.Objects;

/** A coded concept: a system URI and a code. Displays are kept apart, as names, for matching. */
public record Code(String system, String code) {

  public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  public static final String ATC = "http://www.whocc.no/atc";
  public static final String SNOMED = "http://snomed.info/sct";
  public static final String LOINC = "http://loinc.org";

  public Code {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(code, "code");
    system = system.trim();
    code = code.trim();
    // ATC codes are case-insensitive in practice; EHRs send both "n06ab06" and "N06AB06".
    if (ATC.equals(system)) {
      code = code.toUpperCase(Locale.ROOT);
    }
  }

  public static Code rxnorm(String code) {
    return new Code(RXNORM, code);
  }

  public static Code atc(String code) {
    return new Code(ATC, code);
  }

  public static Code snomed(String code) {
    return new Code(SNOMED, code);
  }
}
