package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox keeps events in order, across restarts, within its capacity, for one instance. */
class OutboxTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path directory;

  @Test
  void entries_comeBackOldestFirst_andSurviveReopening() {
    try (Outbox outbox = new Outbox(directory, 100, CLOCK)) {
      outbox.append(message("a"));
      outbox.append(message("b"));
      outbox.append(message("c"));
    }

    try (Outbox reopened = new Outbox(directory, 100, CLOCK)) {
      assertThat(reopened.depth()).isEqualTo(3);
      assertThat(reopened.head(10))
          .extracting(e -> e.message().id())
          .containsExactly("a", "b", "c");
      Outbox.Entry first = reopened.head(1).get(0);
      assertThat(new String(first.message().value(), StandardCharsets.UTF_8))
          .isEqualTo("{\"id\":\"a\"}");
      assertThat(first.message().key()).isEqualTo("patient-a");
      assertThat(first.message().time()).isEqualTo(Instant.parse("2025-03-01T09:59:00.123Z"));
      assertThat(reopened.oldest()).contains(CLOCK.instant());
    }
  }

  @Test
  void theDirectoryIsItsOwnersAlone() throws Exception {
    Path open = directory.resolve("open");
    java.nio.file.Files.createDirectories(open);
    java.nio.file.Files.setPosixFilePermissions(
        open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

    try (Outbox outbox = new Outbox(open, 100, CLOCK)) {
      outbox.append(message("a"));
    }

    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(open)))
        .isEqualTo("rwx------");
  }

  @Test
  void removeThrough_dropsOnlyTheAcknowledgedPrefix() {
    try (Outbox outbox = new Outbox(directory, 100, CLOCK)) {
      outbox.append(message("a"));
      outbox.append(message("b"));
      outbox.append(message("c"));

      outbox.removeThrough(outbox.head(2).get(1).seq());
      outbox.append(message("d"));

      assertThat(outbox.head(10)).extracting(e -> e.message().id()).containsExactly("c", "d");
      assertThat(outbox.depth()).isEqualTo(2);
    }
  }

  @Test
  void full_refusesFurtherEventsUntilSomeAreRelayed() {
    try (Outbox outbox = new Outbox(directory, 2, CLOCK)) {
      outbox.append(message("a"));
      outbox.append(message("b"));

      assertThatThrownBy(() -> outbox.append(message("c")))
          .isInstanceOf(Outbox.OutboxException.class)
          .hasMessageContaining("full");

      outbox.removeThrough(outbox.head(1).get(0).seq());
      outbox.append(message("c"));
      assertThat(outbox.head(10)).extracting(e -> e.message().id()).containsExactly("b", "c");
    }
  }

  @Test
  void secondInstanceOnTheSameDirectory_isRefused() {
    new Outbox(directory, 100, CLOCK).close();
    try (Outbox first = new Outbox(directory, 100, CLOCK)) {
      assertThatThrownBy(() -> new Outbox(directory, 100, CLOCK).close())
          .isInstanceOf(Outbox.OutboxException.class)
          .hasMessageContaining("another instance");
    }
  }

  @Test
  void aDirectoryThatCannotBeMade_isRefusedNamingTheSettingAndTheCause() throws Exception {
    Path file = java.nio.file.Files.createFile(directory.resolve("a-file"));

    assertThatThrownBy(() -> new Outbox(file.resolve("outbox"), 100, CLOCK).close())
        .isInstanceOf(Outbox.OutboxException.class)
        .hasMessageContaining("cds.audit.outbox.directory")
        .hasMessageContaining("cannot be created")
        .hasMessageNotContaining("another instance");
  }

  @Test
  void concurrentAppends_allCommitted_sharingCommits() throws Exception {
    int threads = 16;
    int perThread = 25;
    try (Outbox outbox = new Outbox(directory, 10_000, CLOCK)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    outbox.append(message(thread + "-" + i));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (var f : done) {
        f.get();
      }
      pool.shutdown();
      assertThat(outbox.depth()).isEqualTo(threads * perThread);
    }
    try (Outbox reopened = new Outbox(directory, 10_000, CLOCK)) {
      List<String> ids = reopened.head(10_000).stream().map(e -> e.message().id()).toList();
      assertThat(ids).hasSize(threads * perThread).doesNotHaveDuplicates();
      for (int t = 0; t < threads; t++) {
        String prefix = t + "-";
        // Each thread's events keep the order in which that thread appended them.
        List<String> own = ids.stream().filter(id -> id.startsWith(prefix)).toList();
        assertThat(own)
            .containsExactlyElementsOf(
                IntStream.range(0, perThread).mapToObj(i -> prefix + i).toList());
      }
    }
  }

  @Test
  void closedOutbox_refusesAppends_soNoCallIsAnsweredAsDurableWhenItIsNot() {
    Outbox outbox = new Outbox(directory, 100, CLOCK);
    outbox.append(message("before"));
    outbox.close();

    assertThatThrownBy(() -> outbox.append(message("after")))
        .isInstanceOf(Outbox.OutboxException.class)
        .hasMessageContaining("closed");
    try (Outbox reopened = new Outbox(directory, 100, CLOCK)) {
      assertThat(reopened.head(10)).extracting(e -> e.message().id()).containsExactly("before");
    }
  }

  @Test
  void emptyOutbox_hasNoOldestEntry() {
    try (Outbox outbox = new Outbox(directory, 100, CLOCK)) {
      assertThat(outbox.oldest()).isEmpty();
      assertThat(outbox.head(10)).isEmpty();
    }
  }

  private static AuditMessage message(String id) {
    return message(id, "patient-" + id);
  }

  private static AuditMessage message(String id, String key) {
    return new AuditMessage(
        id,
        "urn:ketamine-cds:cds-hooks-service:test",
        AuditMessage.INVOCATION,
        Instant.parse("2025-03-01T09:59:00.123Z"),
        key,
        ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
  }
}
