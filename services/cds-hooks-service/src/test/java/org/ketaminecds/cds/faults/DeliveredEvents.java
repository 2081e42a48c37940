package org.ketaminecds.cds.faults;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.ketaminecds.cds.audit.AuditStreamOrder;
import org.ketaminecds.cds.audit.AuditTopic;

/**
 * What reached the audit topic, read from the beginning as the compliance consumer reads it: each
 * event (one {@code ce_id}) with the call it records, and how many records carried it (the stream
 * may deliver an event twice; consumers drop the copy by {@code ce_id}).
 */
final class DeliveredEvents implements AutoCloseable {

  private final AuditTopic topic;
  private final Map<String, String> callByEventId = new HashMap<>();
  private int records;

  DeliveredEvents(String bootstrapServers) {
    this.topic = new AuditTopic(bootstrapServers, "cds.audit");
  }

  /** Waits until an event has arrived for each of these calls (hookInstances). */
  DeliveredEvents awaitAll(Collection<String> hookInstances, Duration atMost) {
    Awaitility.await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions() // the broker may still be electing itself leader after a restart
        .until(() -> read().eventsPerCall().keySet().containsAll(hookInstances));
    return this;
  }

  /** Takes in what arrived since the last look. */
  synchronized DeliveredEvents read() {
    List<AuditTopic.Received> all = topic.poll();
    for (AuditTopic.Received record : all.subList(records, all.size())) {
      callByEventId.computeIfAbsent(record.ceId(), id -> AuditStreamOrder.label(record));
    }
    records = all.size();
    return this;
  }

  /** How many distinct events (by ce_id) record each call. */
  synchronized Map<String, Integer> eventsPerCall() {
    Map<String, Integer> perCall = new HashMap<>();
    callByEventId.values().forEach(call -> perCall.merge(call, 1, Integer::sum));
    return perCall;
  }

  synchronized int records() {
    return records;
  }

  synchronized int events() {
    return callByEventId.size();
  }

  /** Records that repeated an event already received. */
  synchronized int duplicates() {
    return records - callByEventId.size();
  }

  @Override
  public void close() {
    topic.close();
  }
}
