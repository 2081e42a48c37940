package org.ketaminecds.engine;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** A coded concept: a system URI and a code. Displays are kept apart, as names, for matching. */
public record Code(String system, String code) {

  public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  public static final String ATC = "http://www.whocc.no/atc";
  public static final String SNOMED = "http://snomed.info/sct";
  public static final String LOINC = "http://loinc.org";
  public static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
  public static final String ICD10 = "http://hl7.org/fhir/sid/icd-10";

  /**
   * The HL7 OIDs of the systems we read, as some EHRs (and CDA-derived FHIR) send them instead of
   * the canonical URI; FHIR R4 names both for each system (terminologies-systems.html).
   */
  private static final Map<String, String> BY_OID =
      Map.of(
          "urn:oid:2.16.840.1.113883.6.88", RXNORM,
          "urn:oid:2.16.840.1.113883.6.73", ATC,
          "urn:oid:2.16.840.1.113883.6.96", SNOMED,
          "urn:oid:2.16.840.1.113883.6.1", LOINC,
          "urn:oid:2.16.840.1.113883.6.90", ICD10CM,
          "urn:oid:2.16.840.1.113883.6.3", ICD10);

  public Code {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(code, "code");
    system = canonicalSystem(system);
    code = code.trim();
    // ATC codes are case-insensitive in practice; EHRs send both "n06ab06" and "N06AB06".
    if (ATC.equals(system)) {
      code = code.toUpperCase(Locale.ROOT);
    }
    // ICD-10 codes arrive as "I25.10", "I2510" and "i25.10": one form, so a category ("I25")
    // matches every code below it by prefix.
    if (isIcd10(system)) {
      code = code.replace(".", "").toUpperCase(Locale.ROOT);
    }
  }

  private static boolean isIcd10(String system) {
    return ICD10CM.equals(system) || ICD10.equals(system);
  }

  /**
   * The system's canonical URI: trimmed; for an HL7 OID we know, the URI FHIR names for it; for one
   * of our systems written with a trailing slash ("http://www.whocc.no/atc/"), the URI without it.
   */
  public static String canonicalSystem(String system) {
    String trimmed = system.trim();
    if (trimmed.startsWith("urn:oid:")) {
      return BY_OID.getOrDefault(trimmed, trimmed);
    }
    if (trimmed.endsWith("/")) {
      String bare = trimmed.substring(0, trimmed.length() - 1);
      if (BY_OID.containsValue(bare)) {
        return bare;
      }
    }
    return trimmed;
  }

  /**
   * The code as a reader knows it, for text where no name was sent: "ICD-10-CM I25.10", "SNOMED CT
   * 59621000"; other systems' codes as they are.
   */
  public String readable() {
    if (isIcd10(system)) {
      String dotted = code.length() > 3 ? code.substring(0, 3) + "." + code.substring(3) : code;
      return (ICD10CM.equals(system) ? "ICD-10-CM " : "ICD-10 ") + dotted;
    }
    return SNOMED.equals(system) ? "SNOMED CT " + code : code;
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
