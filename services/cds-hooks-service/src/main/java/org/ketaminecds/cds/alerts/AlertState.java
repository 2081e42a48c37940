package org.ketaminecds.cds.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Shared, expiring key-value state behind alert filtering. Keys never contain patient or user ids
 * in the clear (see {@link AlertKeys}).
 */
public interface AlertState {

  /** Stores entries; {@code awaitDurable} waits (boundedly) until other replicas can see them. */
  void put(List<Entry> entries, boolean awaitDurable);

  /** Brings this replica's view up to what every replica had written, within a small bound. */
  void catchUp();

  /** The live (unexpired) entry for a key, from this replica's view. */
  Optional<Entry> get(String key, Instant now);

  /** One entry: a value that counts until {@code expires}. */
  record Entry(String key, String value, Instant expires) {}
}
