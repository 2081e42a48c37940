package org.ketaminecds.cds.config;

import java.time.Duration;

/**
 * Checks of numeric settings, so that a value that would make every call fail (a body limit of -1
 * MB, no JSON depth) or silently give up a guarantee (an outbox of no capacity) stops the service
 * at start-up with a message that names the setting, instead of starting and reporting UP.
 */
public final class Settings {

  private Settings() {}

  public static void positive(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be a positive duration, not " + value);
    }
  }

  public static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
  }

  public static void atLeast(String name, long value, long minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " must be at least " + minimum + ", not " + value);
    }
  }
}
