package org.ketaminecds.engine;

import java.util.Locale;

/** How urgent a finding is; maps one to one onto the CDS Hooks card indicator. */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL;

  public String indicator() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Severity fromIndicator(String value) {
    return Severity.valueOf(value.trim().toUpperCase(Locale.ROOT));
  }

  public Severity atLeast(Severity other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
