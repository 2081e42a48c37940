package org.ketaminecds.engine;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * Everything one evaluation looks at.
 *
 * @param orders the orders being checked: the selected draft orders (order-select) or all draft
 *     orders (order-sign); those that are not ketamine or esketamine are ignored
 * @param otherDraftOrders the other orders in the same session; they count as medications the
 *     patient is about to take
 * @param medications the patient's medications from the record (requests and statements), current
 *     or ended; rules decide how long an ended one still matters
 * @param patient age, conditions, latest blood pressure
 * @param today the date used for age and washout arithmetic
 */
public record EvaluationInput(
    List<Medication> orders,
    List<Medication> otherDraftOrders,
    List<Medication> medications,
    PatientContext patient,
    LocalDate today) {

  public EvaluationInput {
    orders = List.copyOf(orders);
    otherDraftOrders = List.copyOf(otherDraftOrders);
    medications = List.copyOf(medications);
    Objects.requireNonNull(patient, "patient");
    Objects.requireNonNull(today, "today");
  }
}
