package org.ketaminecds.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ketaminecds.cds.testing.SyntheticOrders;

/**
 * The requests of a run. Bodies are written once, one file each ({@code bodies/<n>.json}): calls
 * with 25 and with 200 active medications (about 30% ketamine or esketamine orders, half
 * order-sign, half order-select) and the ceiling's small body. A phase's plan names, line by line,
 * the path, the body and a token minted for that request alone: {@code path TAB body TAB token}
 * under a header line. wrk (Lua) and Gatling (a TSV feeder) read the same plans.
 */
final class Workload {

  static final String CEILING_PATH = "/cds-services/bench-ceiling";
  static final double KETAMINE_SHARE = 0.3;

  /** One request body on disk. */
  record Body(int index, String path, boolean ketamine) {}

  /** A phase's requests: the plan file and how many lines it has. */
  record Plan(Path file, int requests) {}

  private final Path directory;
  private final List<Body> medications25 = new ArrayList<>();
  private final List<Body> medications200 = new ArrayList<>();
  private final List<Body> ceiling = new ArrayList<>();
  private final Random random = new Random(20261121);

  private Workload(Path directory) {
    this.directory = directory;
  }

  static Workload write(Path work) throws IOException {
    Workload workload = new Workload(work);
    Path bodies = work.resolve("bodies");
    Files.createDirectories(bodies);
    SyntheticOrders orders = new SyntheticOrders(7);
    int index = 0;
    for (SyntheticOrders.Call call : orders.calls(256, 25, KETAMINE_SHARE)) {
      workload.medications25.add(workload.body(index++, call));
    }
    for (SyntheticOrders.Call call : orders.calls(96, 200, KETAMINE_SHARE)) {
      workload.medications200.add(workload.body(index++, call));
    }
    // The ceiling gets the same request bodies: its endpoint reads each to the end and ignores it,
    // so the ceiling pays for moving the same bytes through the same stack, not for using them.
    for (Body body : workload.medications25) {
      workload.ceiling.add(new Body(body.index(), CEILING_PATH, false));
    }
    return workload;
  }

  private Body body(int index, SyntheticOrders.Call call) throws IOException {
    Files.writeString(directory.resolve("bodies").resolve(index + ".json"), call.body());
    return new Body(index, "/cds-services/" + call.serviceId(), call.ketamine());
  }

  Path bodies() {
    return directory.resolve("bodies");
  }

  int bodyCount() {
    return medications25.size() + medications200.size();
  }

  List<Body> medications25() {
    return medications25;
  }

  List<Body> medications200() {
    return medications200;
  }

  List<Body> ceiling() {
    return ceiling;
  }

  /** The share of ketamine orders among these bodies. */
  static double ketamineShare(List<Body> bodies) {
    return bodies.stream().filter(Body::ketamine).count() / (double) bodies.size();
  }

  /**
   * A plan of {@code count} requests drawn from these bodies in a fixed pseudo-random order, each
   * with a fresh token whose aud is the endpoint it goes to.
   */
  Plan plan(String name, List<Body> pool, int count, BenchIssuer issuer, String baseUrl)
      throws IOException {
    List<Body> chosen = new ArrayList<>(count);
    List<String> audiences = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Body body = pool.get(random.nextInt(pool.size()));
      chosen.add(body);
      audiences.add(baseUrl + body.path());
    }
    List<String> tokens = issuer.mint(audiences);
    Path file = directory.resolve(name + ".plan");
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      out.write("path\tbody\ttoken\n");
      for (int i = 0; i < count; i++) {
        out.write(chosen.get(i).path() + "\t" + chosen.get(i).index() + "\t" + tokens.get(i));
        out.newLine();
      }
    }
    return new Plan(file, count);
  }
}
