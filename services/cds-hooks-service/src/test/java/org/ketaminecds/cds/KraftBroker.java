package org.ketaminecds.cds;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one process) on fixed loopback
 * ports, with its data in a directory of our choosing. Unlike the spring-kafka-test broker it keeps
 * its ports and data across {@link #stop()} and {@link #start()}, which the outage test and the
 * local run need. Test class path only: no broker code ships in the service.
 */
public final class KraftBroker implements AutoCloseable {

  private static final int NODE_ID = 1;

  private final Path dataDirectory;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;

  public KraftBroker(Path dataDirectory, int port, int controllerPort) {
    this.dataDirectory = dataDirectory.toAbsolutePath();
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /** A broker on two free loopback ports. */
  public static KraftBroker onFreePorts(Path dataDirectory) {
    return new KraftBroker(dataDirectory, freePort(), freePort());
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /**
   * Formats the data directory unless that was done before (Kafka's {@code kafka-storage format}).
   *
   * @return whether it was formatted now
   */
  public boolean formatOnce() {
    if (Files.exists(dataDirectory.resolve("meta.properties"))) {
      return false;
    }
    try {
      Files.createDirectories(dataDirectory);
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .addDirectory(dataDirectory.toString())
          .setMetadataLogDirectory(dataDirectory.toString())
          .setControllerListenerName("CONTROLLER")
          .run();
      return true;
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka storage in " + dataDirectory, e);
    }
  }

  public synchronized void start() {
    if (server != null) {
      return;
    }
    formatOnce();
    KafkaRaftServer started = new KafkaRaftServer(new KafkaConfig(config(), false), Time.SYSTEM);
    started.startup();
    server = started;
  }

  public synchronized void stop() {
    if (server == null) {
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    server = null;
  }

  @Override
  public void close() {
    stop();
  }

  private Properties config() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDirectory.toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "true");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    return p;
  }

  /** Whether something already listens on the port (another broker, another local run). */
  public boolean portInUse() {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
