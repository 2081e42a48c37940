package org.ketaminecds.cds.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketaminecds.cds.KraftBroker;
import org.ketaminecds.cds.faults.LoadDriver.Call;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;

/**
 * The crash test under load: the service runs as its own JVM against a Kafka broker that stays up,
 * eight EHR client threads call it, and it is killed ({@code kill -9}) in the middle of that. A new
 * instance on the same outbox directory then finishes the delivery: every call that was answered
 * 200 before the kill has its audit event on the topic. Calls cut off by the kill were never
 * answered; their events may or may not be there.
 *
 * <p>The instance that is killed waits at most 30 ms for Kafka's acknowledgement, so under this
 * load part of the events go through the outbox and part straight to Kafka, and the kill meets both
 * paths.
 */
class ServiceKilledMidLoadIntegrationTest {

  static final int CLIENTS = 8;
  static final Duration INTERVAL = Duration.ofMillis(20);

  /** Calls issued before the kill. */
  static final int BEFORE_KILL = 400;

  @TempDir Path work;

  @Test
  void killedMidLoad_restartedOnItsOutbox_everyAnsweredCallHasItsAuditEvent() {
    Path outbox = work.resolve("outbox");
    try (KraftBroker broker = KraftBroker.onFreePorts(work.resolve("kafka"))) {
      broker.start();
      List<Call> calls;
      long viaKafka;
      long viaOutbox;
      long waitingAtKill;
      // Ready is awaited inside the block, so that a service that never gets ready is killed too.
      try (ServiceProcess service =
              ServiceProcess.start(
                  outbox,
                  broker.bootstrapServers(),
                  work.resolve("service-1.log"),
                  "--cds.audit.ack-timeout=30ms",
                  "--cds.audit.outbox.retry-interval=200ms");
          LoadDriver load =
              new LoadDriver(
                  service.port(), CLIENTS, INTERVAL, KafkaOutageUnderLoadIntegrationTest::order)) {
        service.awaitReady();
        load.start();
        load.awaitIssued(BEFORE_KILL);
        viaKafka = service.metric("cds_audit_events_total", "via=\"kafka\"");
        viaOutbox = service.metric("cds_audit_events_total", "via=\"outbox\"");
        waitingAtKill = service.metric("cds_audit_outbox_depth", "");
        service.kill();
        calls = load.stop();
      }
      List<String> answered =
          calls.stream().filter(Call::answered200).map(Call::hookInstance).toList();
      List<String> cutOff =
          calls.stream().filter(c -> c.status() == -1).map(Call::hookInstance).toList();
      assertThat(calls)
          .as("every call either answered 200 or cut off")
          .allMatch(c -> c.status() == 200 || c.status() == -1);
      assertThat(answered).as("calls answered before the kill").hasSizeGreaterThan(BEFORE_KILL / 4);

      try (ServiceProcess restarted =
              ServiceProcess.start(
                  outbox,
                  broker.bootstrapServers(),
                  work.resolve("service-2.log"),
                  "--cds.audit.outbox.retry-interval=200ms");
          DeliveredEvents topic = new DeliveredEvents(broker.bootstrapServers())) {
        restarted.awaitReady();
        topic.awaitAll(answered, Duration.ofMinutes(2));
        Map<String, Integer> perCall = topic.eventsPerCall();
        assertThat(answered.stream().filter(call -> perCall.getOrDefault(call, 0) != 1))
            .as("answered calls without exactly one event")
            .isEmpty();

        // The new instance serves as before.
        HookRequests after = KafkaOutageUnderLoadIntegrationTest.order(BEFORE_KILL * 2);
        assertThat(new CdsHttp(restarted.port()).post(LoadDriver.SIGN, after.build()).status())
            .isEqualTo(200);
        topic.awaitAll(List.of(after.json().get("hookInstance").asText()), Duration.ofMinutes(1));

        System.out.printf(
            "Service killed mid-load (%d client threads, a call every %d ms): %d calls, %d"
                + " answered 200 before the kill, %d cut off; just before the kill %d events had"
                + " been acknowledged by Kafka directly, %d stored in the outbox, %d waited there;"
                + " %d events were waiting in the outbox at the restart; %d of %d answered calls"
                + " have their event on the topic, lost 0; %d events of cut-off calls; %d"
                + " duplicate records%n",
            CLIENTS,
            INTERVAL.toMillis(),
            calls.size(),
            answered.size(),
            cutOff.size(),
            viaKafka,
            viaOutbox,
            waitingAtKill,
            waitingAtRestart(restarted.output()),
            answered.stream().filter(perCall::containsKey).count(),
            answered.size(),
            cutOff.stream().filter(perCall::containsKey).count(),
            topic.duplicates());
      }
    }
  }

  /** What the restarted instance found in its outbox, as it logs it at start. */
  private static long waitingAtRestart(String log) {
    Matcher found = Pattern.compile("audit outbox in .* \\((\\d+) events waiting\\)").matcher(log);
    return found.find() ? Long.parseLong(found.group(1)) : -1;
  }
}
