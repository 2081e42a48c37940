package org.ketaminecds.cds.audit;

import org.hl7.fhir.r4.model.AuditEvent;

/** Names an event by the call or feedback it records, to compare arrival order with call order. */
public final class AuditStreamOrder {

  private AuditStreamOrder() {}

  /** The hookInstance of an invocation, {@code feedback:<card>} for feedback. */
  public static String label(AuditTopic.Received record) {
    AuditEvent event = record.event();
    for (AuditEvent.AuditEventEntityComponent entity : event.getEntity()) {
      String type = entity.getType().getCode();
      if (type.equals("hook-instance")) {
        return entity.getWhat().getIdentifier().getValue();
      }
      if (type.equals("feedback")) {
        return "feedback:"
            + entity.getDetail().stream()
                .filter(d -> d.getType().equals("card"))
                .findFirst()
                .orElseThrow()
                .getValue()
                .primitiveValue();
      }
    }
    throw new AssertionError("neither an invocation nor feedback: " + record.json());
  }
}
