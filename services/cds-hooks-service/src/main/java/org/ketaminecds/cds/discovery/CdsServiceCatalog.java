package org.ketaminecds.cds.discovery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ketaminecds.cds.fhir.BloodPressureCodes;
import org.ketaminecds.engine.knowledge.RulePack;
import org.springframework.stereotype.Component;

/**
 * The services on offer and their prefetch templates. The templates use only the tokens the CDS
 * Hooks 2.0 order hooks allow ({@code {{context.patientId}}}) and only search parameters EHRs
 * commonly support.
 */
@Component
public class CdsServiceCatalog {

  public static final String ORDER_SELECT_ID = "ketamine-order-select";
  public static final String ORDER_SIGN_ID = "ketamine-order-sign";

  /** Prefetch keys; the same keys are used when the service fetches what was not prefetched. */
  public static final String PATIENT = "patient";

  public static final String MEDICATION_REQUESTS = "medicationRequests";
  public static final String MEDICATION_STATEMENTS = "medicationStatements";
  public static final String CONDITIONS = "conditions";
  public static final String BLOOD_PRESSURE = "bloodPressure";

  static final Map<String, String> PREFETCH = prefetch();

  /**
   * The options a request may set in {@code extension.pddi-configuration-items}, advertised the way
   * the PDDI CDS IG describes; all are off unless the site turns them on.
   */
  static final Map<String, Object> CONFIGURATION_OPTIONS =
      Map.of(
          "pddi-configuration-items",
          List.of(
              option(
                  "cache-for-order-sign-filtering",
                  "Remember the alerts shown at order-select so order-sign can leave them out"),
              option(
                  "filter-out-repeated-alerts",
                  "At order-sign, leave out non-critical alerts already shown at order-select to"
                      + " the same user for the same patient, encounter, rule and medication"),
              option(
                  "suppress-overridden-alerts",
                  "Leave out a non-critical alert that a clinician overrode for this patient"
                      + " recently")));

  private static Map<String, Object> option(String code, String description) {
    Map<String, Object> option = new LinkedHashMap<>();
    option.put("code", code);
    option.put("type", "boolean");
    option.put("name", code);
    option.put("description", description);
    return option;
  }

  private final List<CdsService> services;

  public CdsServiceCatalog(RulePack rulePack) {
    String requirements =
        "Send the patient's active, on-hold and recently ended MedicationRequests and"
            + " MedicationStatements, active Conditions and recent blood-pressure Observations"
            + " (prefetch or FHIR access). Rule pack "
            + rulePack.id()
            + " version "
            + rulePack.version()
            + ".";
    this.services =
        List.of(
            new CdsService(
                Hook.ORDER_SELECT,
                ORDER_SELECT_ID,
                "Ketamine and esketamine interaction check (order selection)",
                "When a ketamine or esketamine order is selected, checks the patient's medications,"
                    + " conditions and blood pressure for interactions and cautions.",
                PREFETCH,
                requirements,
                CONFIGURATION_OPTIONS),
            new CdsService(
                Hook.ORDER_SIGN,
                ORDER_SIGN_ID,
                "Ketamine and esketamine interaction check (order signing)",
                "Before a ketamine or esketamine order is signed, checks the patient's medications,"
                    + " conditions and blood pressure for interactions and cautions.",
                PREFETCH,
                requirements,
                CONFIGURATION_OPTIONS));
  }

  public List<CdsService> services() {
    return services;
  }

  /** The prefetch template advertised under a key, such as {@link #BLOOD_PRESSURE}. */
  public static String prefetchTemplate(String key) {
    return PREFETCH.get(key);
  }

  public Optional<CdsService> find(String id) {
    return services.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  private static Map<String, String> prefetch() {
    Map<String, String> templates = new LinkedHashMap<>();
    templates.put(PATIENT, "Patient/{{context.patientId}}");
    // stopped and completed are included: an MAOI stays relevant for 14 days after it ends.
    templates.put(
        MEDICATION_REQUESTS,
        "MedicationRequest?patient={{context.patientId}}&status=active,on-hold,stopped,completed");
    templates.put(MEDICATION_STATEMENTS, "MedicationStatement?patient={{context.patientId}}");
    // Every clinical status: a resolved intracerebral haemorrhage or myocardial infarction is
    // history that some rules count, and some EHRs record no status at all.
    templates.put(CONDITIONS, "Condition?patient={{context.patientId}}");
    templates.put(
        BLOOD_PRESSURE,
        "Observation?patient={{context.patientId}}"
            + "&code="
            + BloodPressureCodes.searchTokens()
            + "&_sort=-date&_count=10");
    return Collections.unmodifiableMap(templates);
  }
}
