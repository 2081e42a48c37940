package org.ketaminecds.compliance.store;

/** Where an event was read from, kept so any stored row can be traced back to the stream. */
public record RecordPosition(String topic, int partition, long offset) {}
