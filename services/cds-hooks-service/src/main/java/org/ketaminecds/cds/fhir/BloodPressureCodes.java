package org.ketaminecds.cds.fhir;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.ketaminecds.engine.Code;

/**
 * The codes a blood-pressure reading arrives under, as EHRs send them: the FHIR R4 vital-signs
 * LOINC codes, LOINC's sitting, standing, supine and non-invasive variants, the older LOINC panels,
 * and the SNOMED CT codes UK GP systems record. The same codes are listed, with their sources, in
 * the knowledge pack's {@code blood-pressure} value set (a test keeps the two equal); a reading is
 * found by a component's or an observation's code, whatever the panel's own code.
 */
public final class BloodPressureCodes {

  /** Panels: an Observation whose components are the readings. */
  public static final Set<Code> PANELS =
      codes(
          loinc("85354-9", "55284-4", "35094-2"),
          snomed("75367002", "163020007", "163033001", "163034007", "163035008"));

  public static final Set<Code> SYSTOLIC =
      codes(
          loinc("8480-6", "8459-0", "8460-8", "8461-6", "76534-7"),
          snomed("271649006", "72313002", "407556006", "400974009", "407554009"));

  public static final Set<Code> DIASTOLIC =
      codes(
          loinc("8462-4", "8453-3", "8454-1", "8455-8", "76535-4"),
          snomed("271650006", "1091811000000102", "407557002", "400975005", "407555005"));

  private BloodPressureCodes() {}

  /** Every code, panels first, as FHIR search token values: {@code system|code,...}. */
  public static String searchTokens() {
    return all().stream().map(c -> c.system() + "|" + c.code()).collect(Collectors.joining(","));
  }

  public static Set<Code> all() {
    Set<Code> all = new LinkedHashSet<>(PANELS);
    all.addAll(SYSTOLIC);
    all.addAll(DIASTOLIC);
    return all;
  }

  static boolean isSystolic(CodeableConcept concept) {
    return anyIn(concept, SYSTOLIC);
  }

  static boolean isDiastolic(CodeableConcept concept) {
    return anyIn(concept, DIASTOLIC);
  }

  private static boolean anyIn(CodeableConcept concept, Set<Code> codes) {
    for (Coding c : concept.getCoding()) {
      if (c.getSystem() != null
          && c.getCode() != null
          && codes.contains(new Code(c.getSystem(), c.getCode()))) {
        return true;
      }
    }
    return false;
  }

  private static List<Code> loinc(String... codes) {
    return Arrays.stream(codes).map(c -> new Code(Code.LOINC, c)).toList();
  }

  private static List<Code> snomed(String... codes) {
    return Arrays.stream(codes).map(Code::snomed).toList();
  }

  private static Set<Code> codes(List<Code> loinc, List<Code> snomed) {
    Set<Code> all = new LinkedHashSet<>(loinc);
    all.addAll(snomed);
    return Collections.unmodifiableSet(all);
  }
}
