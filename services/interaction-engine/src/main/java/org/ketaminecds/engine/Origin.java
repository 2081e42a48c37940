package org.ketaminecds.engine;

/** Where a medication entry came from. */
public enum Origin {
  /** An order in the current CDS Hooks context (draftOrders), not yet signed. */
  DRAFT_ORDER,
  /** A MedicationRequest on the patient's record. */
  REQUEST,
  /** A MedicationStatement: patient-reported, over the counter, herbal. */
  STATEMENT
}
