package org.ketaminecds.cds.prefetch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * The patient data one check runs on, whichever way it arrived.
 *
 * @param resources every other resource that came along (Medications included in a search bundle),
 *     by relative reference ({@code Medication/123}) and by full URL, for resolving references
 * @param unavailable prefetch keys whose data could not be obtained; the check says it is
 *     incomplete for them
 */
public record PatientRecord(
    Optional<Patient> patient,
    List<MedicationRequest> medicationRequests,
    List<MedicationStatement> medicationStatements,
    List<Condition> conditions,
    List<Observation> observations,
    Map<String, Resource> resources,
    Set<String> unavailable) {

  public PatientRecord {
    medicationRequests = List.copyOf(medicationRequests);
    medicationStatements = List.copyOf(medicationStatements);
    conditions = List.copyOf(conditions);
    observations = List.copyOf(observations);
    resources = Map.copyOf(resources);
    unavailable = Set.copyOf(unavailable);
  }

  /**
   * Sorts resources by type rather than by the key they came under: an EHR may put an included
   * Medication in any bundle. Resources of other types are kept by relative reference.
   */
  public static PatientRecord of(Iterable<? extends Resource> resources, Set<String> unavailable) {
    Optional<Patient> patient = Optional.empty();
    List<MedicationRequest> requests = new ArrayList<>();
    List<MedicationStatement> statements = new ArrayList<>();
    List<Condition> conditions = new ArrayList<>();
    List<Observation> observations = new ArrayList<>();
    Map<String, Resource> others = new HashMap<>();
    for (Resource r : resources) {
      if (r instanceof Patient p) {
        patient = Optional.of(p);
      } else if (r instanceof MedicationRequest m) {
        requests.add(m);
      } else if (r instanceof MedicationStatement s) {
        statements.add(s);
      } else if (r instanceof Condition c) {
        conditions.add(c);
      } else if (r instanceof Observation o) {
        observations.add(o);
      } else if (r.hasIdElement() && r.getIdElement().hasIdPart()) {
        others.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
      }
    }
    return new PatientRecord(
        patient, requests, statements, conditions, observations, others, unavailable);
  }
}
