package org.ketaminecds.cds.faults;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.awaitility.Awaitility;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;

/**
 * A steady load of order-sign calls on the service, as EHR clients make them: one call every {@code
 * interval} (an open model: the rate does not drop when the service slows down), made by a fixed
 * number of client threads, each call with a freshly signed token of the test EHR. It records every
 * call's hookInstance, answer status and latency, so a test can hold each answered call to its
 * audit event.
 */
final class LoadDriver implements AutoCloseable {

  static final String SIGN = "/cds-services/ketamine-order-sign";

  /**
   * One call.
   *
   * @param n its place in the load, from 0
   * @param startNanos when it was sent ({@link System#nanoTime()})
   * @param status the HTTP status, or -1 when no answer came (connection refused or cut)
   */
  record Call(int n, String hookInstance, long startNanos, Duration latency, int status) {
    boolean answered200() {
      return status == 200;
    }
  }

  private final URI endpoint;
  private final CdsHttp http;
  private final IntFunction<HookRequests> requests;
  private final Duration interval;
  private final ExecutorService clients;
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "load-ticker"));
  private final AtomicInteger issued = new AtomicInteger();
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

  /**
   * @param requests the request for the n-th call (from 0)
   */
  LoadDriver(int port, int clientThreads, Duration interval, IntFunction<HookRequests> requests) {
    this.endpoint = URI.create("http://127.0.0.1:" + port + SIGN);
    this.http = new CdsHttp(port);
    this.requests = requests;
    this.interval = interval;
    AtomicInteger thread = new AtomicInteger();
    this.clients =
        Executors.newFixedThreadPool(
            clientThreads, r -> daemon(r, "load-client-" + thread.incrementAndGet()));
  }

  void start() {
    ticker.scheduleAtFixedRate(
        () -> {
          int n = issued.getAndIncrement();
          clients.execute(() -> call(n));
        },
        0,
        interval.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /** Waits until {@code count} calls in all have been sent. */
  void awaitIssued(int count) {
    Awaitility.await()
        .atMost(interval.multipliedBy(count).plusSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> issued.get() >= count);
  }

  int issued() {
    return issued.get();
  }

  /** Stops sending new calls and waits for those under way to be answered (or to fail). */
  List<Call> stop() {
    ticker.shutdownNow();
    clients.shutdown();
    try {
      if (!clients.awaitTermination(2, TimeUnit.MINUTES)) {
        throw new AssertionError("calls still unanswered after 2 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return calls();
  }

  /** Every call made so far, in the order they were issued. */
  List<Call> calls() {
    List<Call> sorted = new ArrayList<>(calls);
    sorted.sort(Comparator.comparingInt(Call::n));
    return sorted;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    clients.shutdownNow();
  }

  private void call(int n) {
    HookRequests request = requests.apply(n);
    String hookInstance = request.json().get("hookInstance").asText();
    long start = System.nanoTime();
    int status;
    try {
      status =
          http.send(
                  HttpRequest.newBuilder(endpoint)
                      .timeout(Duration.ofSeconds(60))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(request.build())))
              .status();
    } catch (AssertionError noAnswer) {
      // CdsHttp reports an I/O failure so: the service was not there to answer.
      status = -1;
    }
    calls.add(
        new Call(n, hookInstance, start, Duration.ofNanos(System.nanoTime() - start), status));
  }

  /** p50, p99 and max latency of these calls, for a report. */
  static String latencies(List<Call> of) {
    return "p50 %d ms, p99 %d ms, max %d ms"
        .formatted(
            quantile(of, 0.5).toMillis(),
            quantile(of, 0.99).toMillis(),
            quantile(of, 1).toMillis());
  }

  /** The q-quantile (0..1) of these calls' latencies, nearest rank. */
  static Duration quantile(List<Call> of, double q) {
    if (of.isEmpty()) {
      return Duration.ZERO;
    }
    List<Duration> sorted = of.stream().map(Call::latency).sorted().toList();
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
