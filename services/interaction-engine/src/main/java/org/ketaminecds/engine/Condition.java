package org.ketaminecds.engine;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A confirmed problem or diagnosis on the patient's record: a current one, or a past one (resolved,
 * inactive, in remission) that a rule may count as history, such as an intracerebral haemorrhage.
 *
 * @param past for a past condition, how the record says it ended ("resolved", "inactive since
 *     2019-04-02"); empty for a current one
 */
public record Condition(
    String reference, List<Code> codes, List<String> names, Optional<String> past) {

  public Condition {
    Objects.requireNonNull(reference, "reference");
    codes = List.copyOf(codes);
    names = names.stream().filter(n -> n != null && !n.isBlank()).toList();
    past = past == null ? Optional.empty() : past;
  }

  /** A current condition. */
  public Condition(String reference, List<Code> codes, List<String> names) {
    this(reference, codes, names, Optional.empty());
  }

  public boolean isCurrent() {
    return past.isEmpty();
  }

  public String displayName() {
    if (!names.isEmpty()) {
      return names.get(0);
    }
    return codes.isEmpty() ? reference : codes.get(0).readable();
  }

  /** The name, and for a past condition how it ended: "Intracerebral haemorrhage (resolved)". */
  public String describe() {
    return past.map(p -> displayName() + " (" + p + ")").orElseGet(this::displayName);
  }
}
