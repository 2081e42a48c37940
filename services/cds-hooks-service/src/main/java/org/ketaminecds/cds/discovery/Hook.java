package org.ketaminecds.cds.discovery;

import java.util.Arrays;
import java.util.Optional;

/** The CDS Hooks this service answers, with the context fields each requires. */
public enum Hook {
  ORDER_SELECT("order-select"),
  ORDER_SIGN("order-sign");

  private final String id;

  Hook(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<Hook> fromId(String id) {
    return Arrays.stream(values()).filter(h -> h.id.equals(id)).findFirst();
  }
}
