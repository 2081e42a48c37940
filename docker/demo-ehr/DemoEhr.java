/*
 * A stand-in for the EHR side of the compose stack, so that the CDS Hooks service runs there as
 * in production: with authentication on. Run with the JDK's source launcher (no build needed):
 *
 *   java DemoEhr.java serve          the sidecar: a signing key, its JWK Set, a FHIR relay
 *   java DemoEhr.java token SERVICE  prints a fresh signed JWT for a call to that CDS service
 *
 * It runs in the service container's network namespace (compose: network_mode), so both of its
 * endpoints are on the service's loopback interface, which is where the service accepts plain
 * http for a JWK Set and a FHIR server (every other address must be https). A real deployment
 * registers the EHR's own issuer, JWK Set URL and FHIR base URL instead (README).
 *
 * Settings (environment): DEMO_EHR_ISSUER (iss), CDS_PUBLIC_URL (the service's URL; aud is that
 * plus /cds-services/SERVICE), DEMO_EHR_JWKS_PORT, DEMO_EHR_FHIR_PORT (loopback ports),
 * DEMO_EHR_FHIR_UPSTREAM (the FHIR server the relay reads from), DEMO_EHR_HOME (where the key is
 * kept for the token command). Test data only: the key is made at start and never leaves the
 * container.
 */
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;

public class DemoEhr {

  static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("serve")) {
      serve();
    } else if (args.length == 2 && args[0].equals("token")) {
      System.out.println(token(args[1]));
    } else {
      System.err.println("usage: java DemoEhr.java serve | token SERVICE_ID");
      System.exit(2);
    }
  }

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  static Path home() {
    return Path.of(env("DEMO_EHR_HOME", System.getProperty("java.io.tmpdir") + "/demo-ehr"));
  }

  static void serve() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(3072);
    KeyPair keys = generator.generateKeyPair();
    String kid = UUID.randomUUID().toString();
    Path home = Files.createDirectories(home());
    Path key = home.resolve("private.key");
    Files.deleteIfExists(key);
    Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(key, kid + "\n" + Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()));

    RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
    byte[] jwks =
        ("{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS384\",\"kid\":\"" + kid
                + "\",\"n\":\"" + URL.encodeToString(unsigned(pub.getModulus()))
                + "\",\"e\":\"" + URL.encodeToString(unsigned(pub.getPublicExponent())) + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);

    InetAddress loopback = InetAddress.getLoopbackAddress();
    HttpServer keyServer =
        HttpServer.create(new InetSocketAddress(loopback, Integer.parseInt(env("DEMO_EHR_JWKS_PORT", "9999"))), 0);
    keyServer.createContext(
        "/jwks.json",
        exchange -> reply(exchange, 200, "application/json", jwks));
    keyServer.start();

    // A read-only relay to the FHIR server: GET only, the caller's Authorization passed on.
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String upstream = env("DEMO_EHR_FHIR_UPSTREAM", "http://fhir:8080");
    HttpServer relay =
        HttpServer.create(new InetSocketAddress(loopback, Integer.parseInt(env("DEMO_EHR_FHIR_PORT", "9998"))), 0);
    relay.setExecutor(Executors.newFixedThreadPool(8));
    relay.createContext(
        "/",
        exchange -> {
          if (!exchange.getRequestMethod().equals("GET")) {
            reply(exchange, 405, "text/plain", "GET only".getBytes(StandardCharsets.UTF_8));
            return;
          }
          HttpRequest.Builder request =
              HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                  .timeout(Duration.ofSeconds(5))
                  .GET();
          for (String header : List.of("Authorization", "Accept")) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
              request.header(header, value);
            }
          }
          try {
            HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            reply(
                exchange,
                answer.statusCode(),
                answer.headers().firstValue("Content-Type").orElse("application/fhir+json"),
                answer.body());
          } catch (IOException | InterruptedException e) {
            reply(exchange, 502, "text/plain", "FHIR server unreachable".getBytes(StandardCharsets.UTF_8));
          }
        });
    relay.start();
    System.out.println(
        "demo EHR: issuer " + env("DEMO_EHR_ISSUER", "https://demo-ehr.example") + ", JWK Set on "
            + keyServer.getAddress() + ", FHIR relay on " + relay.getAddress() + " to " + upstream);
  }

  static String token(String service) throws Exception {
    List<String> stored = Files.readAllLines(home().resolve("private.key"));
    String kid = stored.get(0);
    PrivateKey key =
        KeyFactory.getInstance("RSA")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(stored.get(1))));
    long now = Instant.now().getEpochSecond();
    String aud = env("CDS_PUBLIC_URL", "http://localhost:8080") + "/cds-services/" + service;
    String header = "{\"alg\":\"RS384\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
    String payload =
        "{\"iss\":\"" + env("DEMO_EHR_ISSUER", "https://demo-ehr.example")
            + "\",\"sub\":\"demo-ehr\",\"aud\":\"" + aud
            + "\",\"iat\":" + now + ",\"exp\":" + (now + 300)
            + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
    String signingInput =
        URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
            + URL.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    Signature signature = Signature.getInstance("SHA384withRSA");
    signature.initSign(key);
    signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + URL.encodeToString(signature.sign());
  }

  /** A JWK integer: big-endian, without the sign byte BigInteger adds. */
  static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  static void reply(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
