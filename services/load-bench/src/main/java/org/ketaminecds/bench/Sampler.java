package org.ketaminecds.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples, every 200 ms during a phase, the service's resident memory and the CPU time of the
 * processes taking part (service, load generator, this harness with its broker), so that a phase
 * can report its peak memory and how much of the machine went to processes outside the benchmark.
 */
final class Sampler implements AutoCloseable {

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-sampler");
            t.setDaemon(true);
            return t;
          });
  private final long servicePid;
  private volatile Window window;

  Sampler(long servicePid) {
    this.servicePid = servicePid;
    timer.scheduleAtFixedRate(this::sample, 0, 200, TimeUnit.MILLISECONDS);
  }

  /** Starts measuring a phase whose load generator runs as {@code generator} (may be null). */
  Window start(ProcessHandle generator) {
    Window w = new Window(servicePid, generator);
    window = w;
    return w;
  }

  private void sample() {
    Window w = window;
    if (w != null) {
      w.sample();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** What was sampled between {@link Sampler#start} and {@link #stop}. */
  static final class Window {
    private final long servicePid;
    private final ProcessHandle generator;
    private final long startNanos = System.nanoTime();
    private final long busyAtStart = Machine.busyTicks();
    private final Map<String, Duration> cpuAtStart = new ConcurrentHashMap<>();
    private final Map<String, Duration> cpuLatest = new ConcurrentHashMap<>();
    private final double loadBefore = Machine.loadAverage();
    private volatile long peakRss;
    private volatile long lastRss;
    private volatile boolean stopped;

    private Window(long servicePid, ProcessHandle generator) {
      this.servicePid = servicePid;
      this.generator = generator;
      cpu().forEach(cpuAtStart::put);
      sample();
    }

    private Map<String, Duration> cpu() {
      Map<String, Duration> cpu = new ConcurrentHashMap<>();
      ProcessHandle.of(servicePid)
          .flatMap(p -> p.info().totalCpuDuration())
          .ifPresent(d -> cpu.put("service", d));
      ProcessHandle.current().info().totalCpuDuration().ifPresent(d -> cpu.put("harness", d));
      if (generator != null) {
        generator.info().totalCpuDuration().ifPresent(d -> cpu.put("generator", d));
      }
      return cpu;
    }

    synchronized void sample() {
      if (stopped) {
        return;
      }
      Machine.rss(servicePid)
          .ifPresent(
              rss -> {
                lastRss = rss;
                peakRss = Math.max(peakRss, rss);
              });
      cpuLatest.putAll(cpu());
    }

    /** Ends the window: the figures of the phase. */
    synchronized Sample stop() {
      sample();
      stopped = true;
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      double busy = (Machine.busyTicks() - busyAtStart) / Machine.TICKS_PER_SECOND / seconds;
      double service = cores("service", seconds);
      double generatorCores = cores("generator", seconds);
      double harness = cores("harness", seconds);
      return new Sample(
          peakRss,
          lastRss,
          loadBefore,
          Machine.loadAverage(),
          service,
          generatorCores,
          harness,
          Math.max(0, busy - service - generatorCores - harness));
    }

    private double cores(String process, double seconds) {
      Duration start = cpuAtStart.get(process);
      Duration end = cpuLatest.get(process);
      if (end == null) {
        return 0;
      }
      return end.minus(start == null ? Duration.ZERO : start).toNanos() / 1e9 / seconds;
    }
  }

  /**
   * @param peakRss highest resident memory of the service, bytes
   * @param endRss resident memory at the end of the phase
   * @param loadBefore 1-minute load average when the phase started
   * @param loadAfter 1-minute load average when it ended
   * @param serviceCores average cores used by the service
   * @param generatorCores by the load generator
   * @param harnessCores by this harness (Kafka broker, JWK Set server)
   * @param otherCores by every other process on the machine
   */
  record Sample(
      long peakRss,
      long endRss,
      double loadBefore,
      double loadAfter,
      double serviceCores,
      double generatorCores,
      double harnessCores,
      double otherCores) {}
}
