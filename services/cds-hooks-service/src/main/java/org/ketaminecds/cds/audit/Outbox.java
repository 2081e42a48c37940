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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The local durable outbox: every audit event is stored here first, in the order events were
 * recorded, and stays until the relay has it acknowledged by Kafka (moments later while Kafka is
 * up; until it is back while it is down).
 *
 * <p>An embedded SQLite database because its commits are atomic and survive a killed process or a
 * power cut: write-ahead log with {@code synchronous=FULL} fsyncs every commit before {@link
 * #append} returns. The database is locked exclusively, so a second instance pointed at the same
 * directory fails at start instead of relaying the same events twice, out of order.
 *
 * <p>One writer thread commits what callers queue, in batches; the relay's reads and removals take
 * turns with it on the one connection.
 */
final class Outbox implements AutoCloseable {

  static final String FILE_NAME = "audit-outbox.db";

  /**
   * @param seq position in the outbox; the relay removes up to the last acknowledged one
   */
  record Entry(long seq, AuditMessage message, Instant storedAt) {}

  private final Connection db;

  /**
   * Prepared once: preparing each statement per commit and per relay batch cost about a tenth of
   * the outbox's CPU at 500 calls/s. Used under {@link #lock}.
   */
  private final PreparedStatement insert;

  private final PreparedStatement select;
  private final PreparedStatement delete;
  private final Statement pragma;
  private final long capacity;
  private final Clock clock;
  private final BlockingQueue<Pending> queued = new LinkedBlockingQueue<>();

  /** One connection: the writer's commits and the relay's reads and removals take turns. */
  private final ReentrantLock lock = new ReentrantLock();

  private final Thread writer;
  private volatile boolean closed;

  /**
   * False while (or if, after a failure) removals have the connection commit without fsync; appends
   * restore it before they commit. Guarded by {@link #lock}.
   */
  private boolean fullSync = true;

  private volatile long depth;

  Outbox(Path directory, long capacity, Clock clock) {
    this.capacity = capacity;
    this.clock = clock;
    Connection connection = null;
    try {
      Files.createDirectories(directory);
      ownerOnly(directory);
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
      this.insert =
          connection.prepareStatement(
              "insert into audit_outbox (id, source, type, time_ms, record_key, value, stored_ms)"
                  + " values (?, ?, ?, ?, ?, ?, ?)");
      this.select =
          connection.prepareStatement(
              "select seq, id, source, type, time_ms, record_key, value, stored_ms"
                  + " from audit_outbox order by seq limit ?");
      this.delete = connection.prepareStatement("delete from audit_outbox where seq <= ?");
      this.pragma = connection.createStatement();
      this.db = connection;
    } catch (IOException | SQLException e) {
      closeAfterFailure(connection, e);
      throw new OutboxException(
          "cannot open the audit outbox in "
              + directory.toAbsolutePath()
              + " (cds.audit.outbox.directory): "
              + (e instanceof SQLException && String.valueOf(e.getMessage()).contains("BUSY")
                  ? "another instance is using it (one directory per instance)"
                  : e instanceof IOException
                      ? "the directory cannot be created or written (" + e + ")"
                      : e.getMessage()),
          e);
    }
    this.writer = new Thread(this::writeQueued, "audit-outbox-writer");
    writer.setDaemon(true);
    writer.start();
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
   * <p>Group commit: the caller queues its message and waits; the outbox's writer thread writes
   * every queued message in one transaction, so calls arriving while a commit is being fsync'd
   * share the next fsync. Callers never contend for a lock among themselves: under load, hundreds
   * of request threads taking turns at one monitor would queue behind each other's time slices.
   */
  void append(AuditMessage message) {
    Pending mine = new Pending(message);
    if (closed) {
      throw new OutboxException("the audit outbox is closed", null);
    }
    queued.add(mine);
    if (closed) {
      // close() may have drained the queue before this message arrived: nobody will write it.
      failQueued();
    }
    mine.await();
    if (mine.failure != null) {
      throw mine.failure;
    }
  }

  private void writeQueued() {
    try {
      while (!closed) {
        Pending first = queued.take();
        List<Pending> batch = new ArrayList<>();
        batch.add(first);
        queued.drainTo(batch);
        lock.lock();
        try {
          commit(batch);
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      failQueued();
    }
  }

  private void failQueued() {
    for (Pending p; (p = queued.poll()) != null; ) {
      p.settle(new OutboxException("the audit outbox is closed", null));
    }
  }

  /** Writes the batch in one transaction (one fsync), as far as capacity allows; settles each. */
  private void commit(List<Pending> pending) {
    List<Pending> batch = new ArrayList<>(pending.size());
    for (Pending p : pending) {
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
    try {
      if (!fullSync) {
        pragma.executeUpdate("pragma synchronous = FULL");
        fullSync = true;
      }
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
    } catch (SQLException | RuntimeException e) {
      clearBatch(e);
      rollback(e);
      failure = new OutboxException("cannot write to the audit outbox: " + e.getMessage(), e);
    } finally {
      autoCommit();
    }
    for (Pending p : batch) {
      p.settle(failure);
    }
  }

  private void clearBatch(Exception failure) {
    try {
      insert.clearBatch();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private void rollback(Exception failure) {
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

  /** A message waiting for its commit; settled once, by the writer (or by close). */
  private static final class Pending {
    final AuditMessage message;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile OutboxException failure;

    Pending(AuditMessage message) {
      this.message = message;
    }

    void settle(OutboxException failure) {
      this.failure = failure;
      settled.countDown();
    }

    /**
     * Waits for the commit, which fsync bounds. An interrupt cannot abandon a message the writer
     * may already be committing: the caller must learn whether it is durable.
     */
    void await() {
      boolean interrupted = false;
      while (true) {
        try {
          settled.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The oldest entries, oldest first. */
  List<Entry> head(int max) {
    List<Entry> entries = new ArrayList<>();
    lock.lock();
    try {
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
    } finally {
      lock.unlock();
    }
    return entries;
  }

  /**
   * Removes every entry up to and including {@code seq}: Kafka has acknowledged them.
   *
   * <p>Without an fsync of its own: a removal lost to a power cut only means those events are sent
   * again (consumers drop copies by {@code ce_id}), and the next append's fsync makes it durable
   * anyway. Under load that halves the outbox's fsyncs, which the appends wait for.
   */
  void removeThrough(long seq) {
    lock.lock();
    try {
      fullSync = false;
      pragma.executeUpdate("pragma synchronous = NORMAL");
      delete.setLong(1, seq);
      depth -= delete.executeUpdate();
      pragma.executeUpdate("pragma synchronous = FULL");
      fullSync = true;
    } catch (SQLException e) {
      throw new OutboxException("cannot remove relayed events from the audit outbox", e);
    } finally {
      lock.unlock();
    }
  }

  /** Read without the lock: a commit in progress (an fsync) must not hold up the caller. */
  long depth() {
    return depth;
  }

  /** When the oldest waiting entry was stored; empty when nothing waits. */
  Optional<Instant> oldest() {
    if (depth == 0) {
      return Optional.empty();
    }
    lock.lock();
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("select stored_ms from audit_outbox order by seq limit 1")) {
      return r.next() ? Optional.of(Instant.ofEpochMilli(r.getLong(1))) : Optional.empty();
    } catch (SQLException e) {
      throw new OutboxException("cannot read the audit outbox", e);
    } finally {
      lock.unlock();
    }
  }

  long capacity() {
    return capacity;
  }

  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued();
    lock.lock();
    try {
      insert.close();
      select.close();
      delete.close();
      pragma.close();
      db.close();
    } catch (SQLException e) {
      throw new OutboxException("cannot close the audit outbox", e);
    } finally {
      lock.unlock();
    }
  }

  /** The outbox cannot take or give back events. */
  static final class OutboxException extends RuntimeException {
    OutboxException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The events name patients: the directory that holds them is its owner's alone (rwx------), so
   * the database files in it are out of other local users' reach whatever the umask made them.
   */
  static void ownerOnly(Path directory) throws IOException {
    if (!Files.getFileStore(directory)
        .supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
      return;
    }
    var ownerOnly = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
    if (!Files.getPosixFilePermissions(directory).equals(ownerOnly)) {
      try {
        Files.setPosixFilePermissions(directory, ownerOnly);
      } catch (IOException | SecurityException e) {
        LoggerFactory.getLogger(Outbox.class)
            .warn(
                "the outbox directory {} is open to other users and could not be restricted: {}",
                directory,
                e.getClass().getSimpleName());
      }
    }
  }
}
