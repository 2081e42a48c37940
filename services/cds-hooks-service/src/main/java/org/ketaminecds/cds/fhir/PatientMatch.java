package org.ketaminecds.cds.fhir;

import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Whose data a resource is. Data of another patient than the call's, checked as this patient's,
 * gives a wrong-patient alert or a wrong-patient all-clear.
 */
public final class PatientMatch {

  /** The elements by which clinical resources name their patient (subject, or patient). */
  private static final List<String> PATIENT_ELEMENTS = List.of("subject", "patient");

  private PatientMatch() {}

  /**
   * Whether the resource is a Patient with another id than {@code patientId}, or names another
   * patient as its subject or patient. Only a reference to a Patient with an id part (relative,
   * absolute or versioned) can name another patient; a contained, logical or missing reference, or
   * a Patient without an id, cannot say whose data it is and is not taken for a mismatch.
   */
  public static boolean ofAnotherPatient(Resource resource, String patientId) {
    if (resource instanceof Patient patient) {
      return otherId(patient.getIdElement(), patientId);
    }
    for (String element : PATIENT_ELEMENTS) {
      Property property = resource.getNamedProperty(element);
      if (property == null) {
        continue;
      }
      for (Base value : property.getValues()) {
        if (value instanceof Reference reference
            && reference.hasReference()
            && "Patient".equals(reference.getReferenceElement().getResourceType())
            && otherId(reference.getReferenceElement(), patientId)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean otherId(IIdType id, String patientId) {
    return id.hasIdPart() && !id.getIdPart().equals(patientId);
  }
}
