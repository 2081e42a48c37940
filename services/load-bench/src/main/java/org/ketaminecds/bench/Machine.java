package org.ketaminecds.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** What Linux says about this machine and its processes ({@code /proc}). */
final class Machine {

  private Machine() {}

  /** The 1-minute load average. */
  static double loadAverage() {
    return Double.parseDouble(read(Path.of("/proc/loadavg")).split("\\s+")[0]);
  }

  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  static double memoryGiB() {
    for (String line : lines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0;
      }
    }
    return 0;
  }

  static String cpuModel() {
    for (String line : lines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).strip();
      }
    }
    return "unknown";
  }

  /** Resident memory of a process in bytes ({@code VmRSS}), if it is still running. */
  static OptionalLong rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
        }
      }
    } catch (IOException e) {
      // The process has ended.
    }
    return OptionalLong.empty();
  }

  /**
   * CPU time used by all processes together since boot, in clock ticks: the busy part of the {@code
   * cpu} line of {@code /proc/stat} (everything but idle and iowait).
   */
  static long busyTicks() {
    String[] f = lines(Path.of("/proc/stat")).get(0).split("\\s+");
    long busy = 0;
    for (int i = 1; i < f.length; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  /** Clock ticks per second of {@code /proc/stat} (USER_HZ, 100 on Linux). */
  static final double TICKS_PER_SECOND = 100.0;

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  private static List<String> lines(Path path) {
    try {
      return Files.readAllLines(path);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }
}
