package org.ketaminecds.cds.prefetch;

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
}
