package org.ketaminecds.engine;

import java.util.List;
import java.util.Objects;

/** An active, confirmed problem or diagnosis on the patient's record. */
public record Condition(String reference, List<Code> codes, List<String> names) {

  public Condition {
    Objects.requireNonNull(reference, "reference");
    codes = List.copyOf(codes);
    names = names.stream().filter(n -> n != null && !n.isBlank()).toList();
  }

  public String displayName() {
    if (!names.isEmpty()) {
      return names.get(0);
    }
    return codes.isEmpty() ? reference : codes.get(0).readable();
  }
}
