package org.ketaminecds.cds.faults;

import ca.uhn.fhir.context.FhirContext;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.ketaminecds.cds.testing.TestFhirServer;

/**
 * The EHR's FHIR server, misbehaving per resource type the ways real ones do. Every healthy answer
 * comes from a real HAPI FHIR server ({@link TestFhirServer}) behind a raw loopback HTTP/1.1 front
 * (one request per connection). For a resource type told to fail, the front answers as a broken
 * server or a gateway before it would: late, not at all, half, with an error status, or with
 * something other than the FHIR asked for. It can also stop listening altogether (connection
 * refused) and listen again on the same port. HAPI's own server cannot stop mid-body, drop a
 * connection or refuse one, hence the raw front.
 */
final class FaultyEhr implements AutoCloseable {

  /** How a resource type's requests are answered. */
  enum Fault {
    /** The right answer, but only after {@code slowBy}: later than the service waits. */
    SLOW,
    /** The connection is accepted and reset without an answer (a crashed backend). */
    RESET,
    /** Status line and headers promise a body that never comes. */
    HANG_AFTER_HEADERS,
    /**
     * Status line and headers, then the body one byte at a time, each well within the read timeout:
     * only the call's total time budget can end it.
     */
    TRICKLE,
    /** Half of the right answer, then the connection closes. */
    TRUNCATED,
    /** 500 with an OperationOutcome, as HAPI and most FHIR servers send it. */
    HTTP_500,
    /** 503 with an HTML page and Retry-After, as a gateway sends it during maintenance. */
    HTTP_503,
    /** 200 with an HTML page: a single-sign-on login page in front of the FHIR server. */
    HTML_PAGE,
    /** 200 with plain text. */
    PLAIN_TEXT,
    /** 200 with JSON that is not a FHIR resource. */
    JSON_NOT_FHIR,
    /** 200 with a valid FHIR resource of another type (a Patient for a search, and so on). */
    WRONG_RESOURCE_TYPE,
    /**
     * 200 with a search result Bundle whose entries are of another type than was searched for (a
     * Condition for a medication search, and so on); for a read, as {@link #WRONG_RESOURCE_TYPE}.
     */
    WRONG_TYPE_IN_BUNDLE,
    /** 200 with an OperationOutcome that reports an error instead of the result. */
    OPERATION_OUTCOME,
    /**
     * 200 with another patient's data, as from a server or proxy that mixes up sessions or ignores
     * the patient parameter: another Patient for the read, and for a search a result of the type
     * searched for whose subject is another patient.
     */
    ANOTHER_PATIENT
  }

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private final TestFhirServer backend = new TestFhirServer();
  private final HttpClient relay =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ExecutorService connections = Executors.newCachedThreadPool(FaultyEhr::daemon);
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger trickling =
      new java.util.concurrent.atomic.AtomicInteger();
  private final AtomicReference<CountDownLatch> held = new AtomicReference<>(new CountDownLatch(1));
  private final Duration slowBy;
  private final int port;
  private volatile ServerSocket listener;

  /**
   * @param slowBy how late a {@link Fault#SLOW} answer comes
   */
  FaultyEhr(Duration slowBy) {
    this.slowBy = slowBy;
    this.listener = listen(0);
    this.port = listener.getLocalPort();
  }

  /** The real FHIR server behind the front, to store the patient's record in. */
  TestFhirServer backend() {
    return backend;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port + "/fhir";
  }

  /** From now on, requests for these resource types meet this fault. */
  void inject(Fault fault, Set<String> resourceTypes) {
    resourceTypes.forEach(type -> faults.put(type, fault));
  }

  /** Stops listening: connections are refused, as when the server is down. */
  synchronized void down() {
    closeQuietly(listener);
  }

  /** Connections on which a {@link Fault#TRICKLE} answer is still being sent. */
  int trickling() {
    return trickling.get();
  }

  /** Healthy again: no faults, held answers let go, listening (on the same port) if it was down. */
  synchronized void heal() {
    faults.clear();
    held.getAndSet(new CountDownLatch(1)).countDown();
    if (listener.isClosed()) {
      listener = listen(port);
    }
  }

  @Override
  public synchronized void close() {
    held.get().countDown();
    closeQuietly(listener);
    connections.shutdownNow();
    backend.close();
  }

  private ServerSocket listen(int onPort) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
      Thread acceptor = daemon(() -> accept(socket));
      acceptor.start();
      return socket;
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on loopback port " + onPort, e);
    }
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        connections.execute(() -> serve(connection));
      } catch (IOException e) {
        return; // closed: down() or close()
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      InputStream in = new BufferedInputStream(connection.getInputStream());
      String requestLine = line(in);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        int colon = header.indexOf(':');
        if (colon > 0) {
          headers.put(
              header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              header.substring(colon + 1).trim());
        }
      }
      String target = requestLine.split(" ")[1];
      String relative = target.substring("/fhir/".length());
      String type = relative.split("[/?]")[0];
      Fault fault = faults.get(type);
      OutputStream out = connection.getOutputStream();
      if (fault == null) {
        relay(relative, headers, out);
        return;
      }
      misbehave(fault, relative, headers, connection, out);
    } catch (IOException | RuntimeException e) {
      // The service gave up on this request (its timeout) or the connection was cut on purpose.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void misbehave(
      Fault fault,
      String relative,
      Map<String, String> headers,
      Socket connection,
      OutputStream out)
      throws IOException, InterruptedException {
    boolean search = relative.contains("?");
    switch (fault) {
      case SLOW -> {
        held.get().await(slowBy.toMillis(), TimeUnit.MILLISECONDS);
        relay(relative, headers, out);
      }
      case RESET -> {
        connection.setSoLinger(true, 0);
        connection.close();
      }
      case TRICKLE -> {
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json;charset=utf-8\r\n"
                    + "Content-Length: 100000\r\n\r\n{")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        trickling.incrementAndGet();
        try {
          CountDownLatch release = held.get();
          // Until the service hangs up (the write fails), or for a minute at most.
          for (int i = 0; i < 600 && !release.await(100, TimeUnit.MILLISECONDS); i++) {
            out.write(' ');
            out.flush();
          }
        } finally {
          trickling.decrementAndGet();
        }
      }
      case HANG_AFTER_HEADERS -> {
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json;charset=utf-8\r\n"
                    + "Content-Length: 4096\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        held.get().await(60, TimeUnit.SECONDS);
      }
      case TRUNCATED -> {
        HttpResponse<byte[]> answer = fetch(relative, headers);
        byte[] body = answer.body();
        head(out, answer.statusCode(), "application/fhir+json;charset=utf-8", body.length, "");
        out.write(Arrays.copyOf(body, body.length / 2));
        out.flush();
      }
      case HTTP_500 ->
          respond(out, 500, "application/fhir+json;charset=utf-8", outcome("Internal error"), "");
      case HTTP_503 ->
          respond(
              out,
              503,
              "text/html",
              "<html><body><h1>503 Service Unavailable</h1>Scheduled maintenance.</body></html>",
              "Retry-After: 120\r\n");
      case HTML_PAGE ->
          respond(
              out,
              200,
              "text/html;charset=utf-8",
              "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method=post>"
                  + "<input name=username><input type=password name=password></form></body></html>",
              "");
      case PLAIN_TEXT -> respond(out, 200, "text/plain", "OK", "");
      case JSON_NOT_FHIR ->
          respond(
              out,
              200,
              "application/fhir+json;charset=utf-8",
              "{\"status\":\"ok\",\"results\":[{\"drug\":\"phenelzine\"}],\"total\":1}",
              "");
      case WRONG_RESOURCE_TYPE -> {
        String wrong =
            search
                ? FHIR.newJsonParser().encodeResourceToString(new Patient().setId("someone-else"))
                : FHIR.newJsonParser()
                    .encodeResourceToString(new Bundle().setType(Bundle.BundleType.SEARCHSET));
        respond(out, 200, "application/fhir+json;charset=utf-8", wrong, "");
      }
      case WRONG_TYPE_IN_BUNDLE -> {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        if (search) {
          Resource other =
              relative.startsWith("Condition")
                  ? new Observation().setStatus(Observation.ObservationStatus.FINAL)
                  : new Condition().setCode(new CodeableConcept().setText("Hypertension"));
          other.setId("not-what-was-asked");
          bundle
              .setTotal(1)
              .addEntry()
              .setResource(other)
              .getSearch()
              .setMode(SearchEntryMode.MATCH);
        }
        respond(
            out,
            200,
            "application/fhir+json;charset=utf-8",
            FHIR.newJsonParser().encodeResourceToString(bundle),
            "");
      }
      case OPERATION_OUTCOME ->
          respond(
              out,
              200,
              "application/fhir+json;charset=utf-8",
              outcome("Search could not be completed"),
              "");
      case ANOTHER_PATIENT -> {
        Resource theirs = anotherPatients(relative.split("[/?]")[0]);
        Resource answer = theirs;
        if (search) {
          Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(1);
          bundle.addEntry().setResource(theirs).getSearch().setMode(SearchEntryMode.MATCH);
          answer = bundle;
        }
        respond(
            out,
            200,
            "application/fhir+json;charset=utf-8",
            FHIR.newJsonParser().encodeResourceToString(answer),
            "");
      }
    }
  }

  /**
   * Plausible data of another patient: taken as this patient's, a harmless drug would hide the MAOI
   * (a wrong-patient all-clear), a hypertension or a reading would add a wrong warning.
   */
  private static Resource anotherPatients(String type) {
    Reference someoneElse = new Reference("Patient/someone-else");
    Resource theirs =
        switch (type) {
          case "Patient" -> new Patient().setBirthDateElement(new DateType("2012-01-01"));
          case "MedicationRequest" ->
              new MedicationRequest()
                  .setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
                  .setIntent(MedicationRequest.MedicationRequestIntent.ORDER)
                  .setSubject(someoneElse)
                  .setMedication(new CodeableConcept().setText("Amoxicillin 500 mg"));
          case "MedicationStatement" ->
              new MedicationStatement()
                  .setStatus(MedicationStatement.MedicationStatementStatus.ACTIVE)
                  .setSubject(someoneElse)
                  .setMedication(new CodeableConcept().setText("Amoxicillin 500 mg"));
          case "Condition" ->
              new Condition()
                  .setSubject(someoneElse)
                  .setCode(new CodeableConcept().setText("Hypertension"));
          default ->
              new Observation()
                  .setStatus(Observation.ObservationStatus.FINAL)
                  .setSubject(someoneElse);
        };
    theirs.setId("someone-else");
    return theirs;
  }

  private void relay(String relative, Map<String, String> headers, OutputStream out)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> answer = fetch(relative, headers);
    String type = answer.headers().firstValue("Content-Type").orElse("application/fhir+json");
    head(out, answer.statusCode(), type, answer.body().length, "");
    out.write(answer.body());
    out.flush();
  }

  private HttpResponse<byte[]> fetch(String relative, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/" + relative))
            .timeout(Duration.ofSeconds(30));
    for (String name : new String[] {"accept", "authorization"}) {
      if (headers.containsKey(name)) {
        request.header(name, headers.get(name));
      }
    }
    return relay.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void respond(
      OutputStream out, int status, String contentType, String body, String extraHeaders)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    head(out, status, contentType, bytes.length, extraHeaders);
    out.write(bytes);
    out.flush();
  }

  private static void head(
      OutputStream out, int status, String contentType, int length, String extraHeaders)
      throws IOException {
    out.write(
        ("HTTP/1.1 "
                + status
                + " "
                + (status == 200 ? "OK" : "Error")
                + "\r\nContent-Type: "
                + contentType
                + "\r\nContent-Length: "
                + length
                + "\r\nConnection: close\r\n"
                + extraHeaders
                + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String outcome(String text) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.EXCEPTION)
        .setDiagnostics(text);
    return FHIR.newJsonParser().encodeResourceToString(outcome);
  }

  /** One header line, without its CRLF; empty at the end of the headers. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new SocketException("connection closed before the request was complete");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private static void closeQuietly(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "faulty-ehr");
    thread.setDaemon(true);
    return thread;
  }
}
