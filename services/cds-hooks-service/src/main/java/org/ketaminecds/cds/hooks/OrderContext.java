package org.ketaminecds.cds.hooks;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The context of order-select and order-sign.
 *
 * @param selections for order-select, the ids ({@code MedicationRequest/123}) of the orders just
 *     selected; empty for order-sign, where every draft order is checked
 */
public record OrderContext(
    String userId,
    String patientId,
    Optional<String> encounterId,
    List<String> selections,
    Bundle draftOrders) {

  public OrderContext {
    selections = List.copyOf(selections);
  }
}
