package org.ketaminecds.cds.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.sqlite.SQLiteConfig;

/**
 * The local durable outbox: audit events that Kafka could not take in time wait here, in the order
 * they were recorded, until the relay has them acknowledged by Kafka.
 *
 * <p>An embedded SQLite database because its commits are atomic and survive a killed process or a
 * power cut: write-ahead log with {@code synchronous=FULL} fsyncs every commit before {@link
 * #append} returns. The database is locked exclusively, so a second instance pointed at the same
 * directory fails at start instead of relaying the same events twice, out of order.
 */
final class Outbox implements AutoCloseable {

  static final String FILE_NAME = "audit-outbox.db";

  /**
   * @param seq position in the outbox; the relay removes up to the last acknowledged one
   */
  record Entry(long seq, AuditMessage message, Instant storedAt) {}

  private final Connection db;
  private final long capacity;
  private final Clock clock;
  private final Queue<Pending> queued = new ConcurrentLinkedQueue<>();
  private volatile long depth;

  Outbox(Path directory, long capacity, Clock clock) {
    this.capacity = capacity;
    this.clock = clock;
    Connection connection = null;
    try {
      Files.createDirectories(directory);
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE);
      connection =
          config.createConnection("jdbc:sqlite:" + directory.resolve(FILE_NAME).toAbsolutePath());
      try (Statement s = connection.createStatement()) {
        s.executeUpdate(
            """
            create table if not exists audit_outbox (
              seq integer primary key autoincrement,
              id text not null,
              source text not null,
              type text not null,
              time_ms integer not null,
              record_key text not null,
              value blob not null,
              stored_ms integer not null)""");
        // A write takes the exclusive lock now, not at the first event, and holds it.
        s.executeUpdate("pragma user_version = 1");
        try (ResultSet r = s.executeQuery("select count(*) from audit_outbox")) {
          r.next();
          this.depth = r.getLong(1);
        }
      }
      this.db = connection;
    } catch (IOException | SQLException e) {
      closeAfterFailure(connection, e);
      throw new OutboxException(
          "cannot open the audit outbox in "
              + directory.toAbsolutePath()
              + " (is another instance using it?): "
              + e.getMessage(),
          e);
    }
  }

  private static void closeAfterFailure(Connection connection, Exception failure) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Stores the message durably (fsync'd) or throws {@link OutboxException}.
   *
   * <p>Group commit: a caller queues its message and takes the lock; whoever holds it writes every
   * queued message in one transaction, so calls arriving while a commit is being fsync'd share the
   * next fsync instead of queueing for one each. A caller whose message a previous holder already
   * committed returns at once.
   */
  void append(AuditMessage message) {
    Pending mine = new Pending(message);
    queued.add(mine);
    synchronized (this) {
      if (!mine.settled) {
        commitQueued();
      }
      if (mine.failure != null) {
        throw mine.failure;
      }
    }
  }

  /** Writes every queued message in one transaction (one fsync); settles each. */
  private void commitQueued() {
    List<Pending> batch = new ArrayList<>();
    for (Pending p; (p = queued.poll()) != null; ) {
      if (depth + batch.size() < capacity) {
        batch.add(p);
      } else {
        p.settle(new OutboxException("the audit outbox is full (" + capacity + " events)", null));
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    OutboxException failure = null;
    try (PreparedStatement insert =
        db.prepareStatement(
            "insert into audit_outbox (id, source, type, time_ms, record_key, value, stored_ms)"
                + " values (?, ?, ?, ?, ?, ?, ?)")) {
      db.setAutoCommit(false);
      long now = clock.millis();
      for (Pending p : batch) {
        AuditMessage message = p.message;
        insert.setString(1, message.id());
        insert.setString(2, message.source());
        insert.setString(3, message.type());
        insert.setLong(4, message.time().toEpochMilli());
        insert.setString(5, message.key());
        insert.setBytes(6, message.value());
        insert.setLong(7, now);
        insert.addBatch();
      }
      insert.executeBatch();
      db.commit();
      depth += batch.size();
    } catch (SQLException e) {
      rollback(e);
      failure = new OutboxException("cannot write to the audit outbox: " + e.getMessage(), e);
    } finally {
      autoCommit();
    }
    for (Pending p : batch) {
      p.settle(failure);
    }
  }

  private void rollback(SQLException failure) {
    try {
      db.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private void autoCommit() {
    try {
      db.setAutoCommit(true);
    } catch (SQLException e) {
      // The next append sets it again (and reports the failure if the database is gone).
    }
  }

  /** A message waiting for a commit; its fields are read and written under the outbox lock. */
  private static final class Pending {
    final AuditMessage message;
    boolean settled;
    OutboxException failure;

    Pending(AuditMessage message) {
      this.message = message;
    }

    void settle(OutboxException failure) {
      this.failure = failure;
      this.settled = true;
    }
  }

  /** The oldest entries, oldest first. */
  synchronized List<Entry> head(int max) {
    List<Entry> entries = new ArrayList<>();
    try (PreparedStatement select =
        db.prepareStatement(
            "select seq, id, source, type, time_ms, record_key, value, stored_ms"
                + " from audit_outbox order by seq limit ?")) {
      select.setInt(1, max);
      try (ResultSet r = select.executeQuery()) {
        while (r.next()) {
          AuditMessage message =
              new AuditMessage(
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  Instant.ofEpochMilli(r.getLong(5)),
                  r.getString(6),
                  r.getBytes(7));
          entries.add(new Entry(r.getLong(1), message, Instant.ofEpochMilli(r.getLong(8))));
        }
      }
    } catch (SQLException e) {
      throw new OutboxException("cannot read the audit outbox: " + e.getMessage(), e);
    }
    return entries;
  }

  /** Removes every entry up to and including {@code seq}: Kafka has acknowledged them. */
  synchronized void removeThrough(long seq) {
    try (PreparedStatement delete =
        db.prepareStatement("delete from audit_outbox where seq <= ?")) {
      delete.setLong(1, seq);
      depth -= delete.executeUpdate();
    } catch (SQLException e) {
      throw new OutboxException("cannot remove relayed events from the audit outbox", e);
    }
  }

  /** Read without the lock: a commit in progress (an fsync) must not hold up the caller. */
  long depth() {
    return depth;
  }

  /** When the oldest waiting entry was stored; empty when nothing waits. */
  synchronized Optional<Instant> oldest() {
    if (depth == 0) {
      return Optional.empty();
    }
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("select stored_ms from audit_outbox order by seq limit 1")) {
      return r.next() ? Optional.of(Instant.ofEpochMilli(r.getLong(1))) : Optional.empty();
    } catch (SQLException e) {
      throw new OutboxException("cannot read the audit outbox", e);
    }
  }

  long capacity() {
    return capacity;
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new OutboxException("cannot close the audit outbox", e);
    }
  }

  /** The outbox cannot take or give back events. */
  static final class OutboxException extends RuntimeException {
    OutboxException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
