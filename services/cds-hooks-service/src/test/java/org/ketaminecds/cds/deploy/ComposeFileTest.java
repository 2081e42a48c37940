package org.ketaminecds.cds.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ketaminecds.cds.deploy.DeployFiles.compose;
import static org.ketaminecds.cds.deploy.DeployFiles.docker;
import static org.ketaminecds.cds.deploy.DeployFiles.envExample;
import static org.ketaminecds.cds.deploy.DeployFiles.read;
import static org.ketaminecds.cds.deploy.DeployFiles.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker/compose.yaml is checked here, on every build, because the machines that build this project
 * have no Docker engine to start it: it must be a valid Compose file, pin its images, let nothing
 * start before what it needs is healthy, bound every container's memory, and hold no secret.
 */
class ComposeFileTest {

  /** The stack's servers; each must report its health. */
  private static final Set<String> LONG_RUNNING =
      Set.of("kafka", "fhir", "cds-hooks-service", "demo-ehr", "postgres", "compliance-consumer");

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

  /** A value that is one variable reference with no default, or an empty default. */
  private static final Pattern BARE_VARIABLE =
      Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?-)|(?::?\\?[^}]*))?}");

  private static final Pattern MEMORY =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([bkmg]?)b?", Pattern.CASE_INSENSITIVE);

  @Test
  void composeFile_isValidAgainstTheComposeSpecificationSchema() throws IOException {
    JsonNode file = new ObjectMapper().valueToTree(compose());

    Set<ValidationMessage> errors = composeSchema().validate(file);

    assertThat(errors).as("compose.yaml against the Compose Specification schema").isEmpty();
  }

  @Test
  void schemaCheck_rejectsAFileThatIsNotCompose() throws IOException {
    // Proves the schema check above can fail: a misspelt service key, a wrong type.
    JsonSchema schema = composeSchema();
    JsonNode misspelt =
        new ObjectMapper()
            .readTree("{\"services\": {\"web\": {\"image\": \"x:1.0\", \"helthcheck\": {}}}}");
    JsonNode wrongType =
        new ObjectMapper().readTree("{\"services\": {\"web\": {\"depends_on\": 3}}}");

    assertThat(schema.validate(misspelt)).isNotEmpty();
    assertThat(schema.validate(wrongType)).isNotEmpty();
  }

  /**
   * The vendored Compose Specification schema. It declares draft 2019-09 but still marks its
   * sub-schemas with draft 4's {@code id}, which is taken here as the annotation it is. Compose
   * durations ("10s") are Go durations, not the ISO 8601 ones JSON Schema's "duration" format
   * means, so formats are not asserted (durations are checked separately below).
   */
  private JsonSchema composeSchema() throws IOException {
    JsonMetaSchema draft = JsonMetaSchema.getV201909();
    JsonMetaSchema meta =
        JsonMetaSchema.builder(draft.getIri(), draft)
            .keyword(new NonValidationKeyword("id"))
            .build();
    JsonSchemaFactory factory =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909, b -> b.metaSchema(meta));
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(false).build();
    try (InputStream in = getClass().getResourceAsStream("/deploy/compose-spec.json")) {
      return factory.getSchema(in, config);
    }
  }

  @Test
  void everyImage_isPinnedToAVersion() {
    Map<String, String> images = new LinkedHashMap<>();
    services()
        .forEach(
            (name, service) -> {
              if (service.get("image") instanceof String image) {
                images.put(name, image);
              } else {
                assertThat(service).as(name + ": neither image nor build").containsKey("build");
              }
            });

    assertThat(images).isNotEmpty();
    assertThat(images)
        .allSatisfy(
            (name, image) ->
                assertThat(DeployFiles.pinned(image))
                    .as(name + " uses " + image + ": pin a version (not latest, no variable)")
                    .isTrue());
  }

  @Test
  void pinCheck_tellsPinnedFromFloatingImages() {
    assertThat(DeployFiles.pinned("apache/kafka:3.9.1")).isTrue();
    assertThat(DeployFiles.pinned("eclipse-temurin:17.0.16_8-jre-noble")).isTrue();
    assertThat(DeployFiles.pinned("registry.example.org:5000/team/app@sha256:abc")).isTrue();
    assertThat(DeployFiles.pinned("postgres")).isFalse();
    assertThat(DeployFiles.pinned("postgres:latest")).isFalse();
    assertThat(DeployFiles.pinned("postgres:17")).isFalse();
    assertThat(DeployFiles.pinned("registry.example.org:5000/app")).isFalse();
    assertThat(DeployFiles.pinned("apache/kafka:${KAFKA_VERSION:-3.9.1}")).isFalse();
  }

  @Test
  void everyLongRunningService_hasAHealthCheck_andEveryOneShotIsAwaited() {
    Map<String, Map<String, Object>> services = services();
    Set<String> awaitedOneShots = new TreeSet<>();
    services.values().forEach(s -> awaitedOneShots.addAll(dependencies(s, "completed")));

    services.forEach(
        (name, service) -> {
          if (healthCheck(service).isPresent()) {
            return;
          }
          // No health check: only a one-shot job may do without, and only if a long-running
          // service waits for it to finish (so that `up --wait` and depends_on both work).
          assertThat(service.get("restart"))
              .as(name + " has no health check (in compose.yaml or its Dockerfile)")
              .isEqualTo("no");
          assertThat(awaitedOneShots)
              .as(name + " is a one-shot job that no service waits for")
              .contains(name);
        });
    assertThat(services)
        .allSatisfy(
            (name, service) -> {
              if (LONG_RUNNING.contains(name)) {
                assertThat(healthCheck(service)).as(name).isPresent();
              }
            })
        .containsKeys(LONG_RUNNING.toArray(String[]::new));
  }

  @Test
  void dependsOn_alwaysWaitsForHealthyOrCompletedServices() {
    Map<String, Map<String, Object>> services = services();
    services.forEach(
        (name, service) -> {
          Object dependsOn = service.get("depends_on");
          if (dependsOn == null) {
            return;
          }
          assertThat(dependsOn)
              .as(name + ": depends_on must give a condition for each dependency")
              .isInstanceOf(Map.class);
          ((Map<?, ?>) dependsOn)
              .forEach(
                  (target, spec) -> {
                    assertThat(services)
                        .as(name + " depends on " + target)
                        .containsKey((String) target);
                    Object condition = ((Map<?, ?>) spec).get("condition");
                    Map<String, Object> other = services.get((String) target);
                    if ("service_healthy".equals(condition)) {
                      assertThat(healthCheck(other))
                          .as(name + " waits for " + target + " to be healthy, but it has no check")
                          .isPresent();
                    } else {
                      assertThat(condition)
                          .as(name + " -> " + target + ": service_healthy or completed")
                          .isEqualTo("service_completed_successfully");
                      assertThat(other.get("restart"))
                          .as(target + " must be a one-shot")
                          .isEqualTo("no");
                    }
                  });
        });
  }

  @Test
  void everyService_hasAMemoryLimit() {
    services()
        .forEach(
            (name, service) -> {
              Object limit = memoryLimit(service);
              assertThat(limit)
                  .as(name + ": deploy.resources.limits.memory or mem_limit")
                  .isNotNull();
              long bytes = bytes(String.valueOf(limit));
              assertThat(bytes).as(name + " memory limit").isBetween(32L << 20, 4L << 30);
            });
  }

  @Test
  void durations_areComposeDurations() {
    services()
        .forEach(
            (name, service) ->
                healthCheck(service)
                    .filter(Map.class::isInstance)
                    .ifPresent(
                        check ->
                            ((Map<?, ?>) check)
                                .forEach(
                                    (key, value) -> {
                                      if (String.valueOf(key)
                                          .matches("interval|timeout|start_period")) {
                                        assertThat(String.valueOf(value))
                                            .as(name + " healthcheck " + key)
                                            .matches("(\\d+(ms|s|m|h))+");
                                      }
                                    })));
  }

  @Test
  void noSecret_isWrittenIntoTheFile() {
    List<String> problems = new ArrayList<>();
    services()
        .forEach(
            (name, service) ->
                environment(service)
                    .forEach(
                        (key, value) -> {
                          if (DeployFiles.secretName(key)
                              && !(value == null || BARE_VARIABLE.matcher(value).matches())) {
                            problems.add(
                                name + ": " + key + " must come from a variable with no default");
                          }
                        }));
    String text = read(DeployFiles.composeFile());
    for (String marker : List.of("-----BEGIN", "eyJhbGci", "password=", "PASSWORD=")) {
      if (text.contains(marker)) {
        problems.add("compose.yaml contains " + marker);
      }
    }

    assertThat(problems).isEmpty();
  }

  @Test
  void secretCheck_catchesALiteralPassword() {
    assertThat(BARE_VARIABLE.matcher("${POSTGRES_PASSWORD:?set it in docker/.env}").matches())
        .isTrue();
    assertThat(BARE_VARIABLE.matcher("${CDS_AUDIT_PSEUDONYM_KEY:-}").matches()).isTrue();
    assertThat(BARE_VARIABLE.matcher("hunter2").matches()).isFalse();
    assertThat(BARE_VARIABLE.matcher("${DB_PASSWORD:-hunter2}").matches()).isFalse();
    assertThat(DeployFiles.secretName("SPRING_DATASOURCE_PASSWORD")).isTrue();
    assertThat(DeployFiles.secretName("KAFKA_SASL_JAAS_CONFIG")).isTrue();
    assertThat(DeployFiles.secretName("KAFKA_BOOTSTRAP_SERVERS")).isFalse();
  }

  @Test
  void everyVariable_isInTheEnvExample_whichHoldsNoSecret() {
    String text = read(DeployFiles.composeFile());
    Set<String> used = new TreeSet<>();
    Matcher m = VARIABLE.matcher(text.replace("$$", ""));
    while (m.find()) {
      used.add(m.group(1));
    }
    Map<String, String> example = envExample();

    assertThat(used).isNotEmpty();
    assertThat(example.keySet()).as("docker/.env.example").containsAll(used);
    // COMPOSE_* variables are Compose's own settings (project name and the like).
    assertThat(used)
        .as("variables in .env.example that compose.yaml never reads")
        .containsAll(example.keySet().stream().filter(k -> !k.startsWith("COMPOSE_")).toList());
    example.forEach(
        (key, value) -> {
          if (DeployFiles.secretName(key)) {
            assertThat(value)
                .as(key + " in .env.example must be left empty or a placeholder")
                .matches("|change-me.*");
          }
        });
  }

  @Test
  void everyDollar_isAVariableOrEscaped() {
    // "$name" would be replaced by Compose with the host's variable of that name: a shell
    // variable meant for the container must be written "$$name".
    String text = read(DeployFiles.composeFile());
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      String code = line.strip().startsWith("#") ? "" : line;
      for (int i = 0; i < code.length(); i++) {
        if (code.charAt(i) == '$') {
          char next = i + 1 < code.length() ? code.charAt(i + 1) : ' ';
          if (next == '$') {
            i++;
          } else if (next != '{') {
            lines.add(line.strip());
          }
        }
      }
    }
    assertThat(lines).isEmpty();
  }

  @Test
  void publishedPorts_areBoundToLoopbackOnly() {
    services()
        .forEach(
            (name, service) -> {
              Object ports = service.get("ports");
              if (ports == null) {
                return;
              }
              for (Object port : (List<?>) ports) {
                String hostIp =
                    port instanceof Map<?, ?> map
                        ? String.valueOf(map.get("host_ip"))
                        : String.valueOf(port);
                assertThat(hostIp).as(name + " publishes " + port).startsWith("127.0.0.1");
              }
            });
  }

  @Test
  void buildContexts_dockerfiles_andMountedDirectories_exist() {
    services()
        .forEach(
            (name, service) -> {
              if (service.get("build") instanceof Map<?, ?> build) {
                Path context = docker().resolve(String.valueOf(build.get("context"))).normalize();
                Path dockerfile =
                    context.resolve(String.valueOf(build.get("dockerfile"))).normalize();
                assertThat(dockerfile).as(name + " Dockerfile").isRegularFile();
                assertThat(Path.of(dockerfile + ".dockerignore"))
                    .as(name + ": a .dockerignore next to the Dockerfile keeps the context small")
                    .isRegularFile();
              }
              for (Object volume : (List<?>) service.getOrDefault("volumes", List.of())) {
                String source = String.valueOf(volume).split(":")[0];
                if (source.startsWith(".")) {
                  assertThat(docker().resolve(source)).as(name + " mounts " + source).exists();
                }
              }
            });
  }

  @Test
  void publishedContainerPorts_areThoseTheImagesExpose() {
    services()
        .forEach(
            (name, service) -> {
              if (!(service.get("build") instanceof Map<?, ?> build)
                  || service.get("ports") == null) {
                return;
              }
              Path context = docker().resolve(String.valueOf(build.get("context"))).normalize();
              var dockerfile =
                  DeployFiles.dockerfile(context.resolve(String.valueOf(build.get("dockerfile"))));
              Set<String> exposed = new LinkedHashSet<>();
              dockerfile
                  .last()
                  .all("EXPOSE")
                  .forEach(e -> exposed.addAll(List.of(e.arguments().split("\\s+"))));
              for (Object port : (List<?>) service.get("ports")) {
                String spec = String.valueOf(port);
                String container = spec.substring(spec.lastIndexOf(':') + 1).replace("/tcp", "");
                assertThat(exposed)
                    .as(name + " publishes container port " + container)
                    .contains(container);
              }
            });
  }

  @Test
  void theServiceTrustsTheDemoEhrSidecar_onItsOwnLoopbackInterface() {
    Map<String, String> service = DeployFiles.containerEnvironment("cds-hooks-service", Map.of());
    Map<String, String> sidecar = DeployFiles.containerEnvironment("demo-ehr", Map.of());
    URI jwks = URI.create(service.get("CDS_SECURITY_ISSUERS_0_JWKSURL"));

    assertThat(services().get("demo-ehr").get("network_mode"))
        .isEqualTo("service:cds-hooks-service");
    assertThat(service.get("CDS_SECURITY_ISSUERS_0_ISSUER"))
        .isEqualTo(sidecar.get("DEMO_EHR_ISSUER"));
    assertThat(jwks.getHost()).isEqualTo("127.0.0.1");
    assertThat(jwks.getPort()).isEqualTo(Integer.parseInt(sidecar.get("DEMO_EHR_JWKS_PORT")));
    assertThat(jwks.getPath()).isEqualTo("/jwks.json");
    // Tokens are addressed (aud) to the URL the service believes it has.
    assertThat(sidecar.get("CDS_PUBLIC_URL")).isEqualTo(service.get("CDS_PUBLICURL"));
  }

  @Test
  void interpolation_readsVariablesAsComposeDoes() {
    Map<String, String> vars = new java.util.HashMap<>(Map.of("SET", "x", "EMPTY", ""));

    assertThat(DeployFiles.interpolate("a${SET}b", vars)).isEqualTo("axb");
    assertThat(DeployFiles.interpolate("${UNSET:-d}/${EMPTY:-d}/${EMPTY-d}", vars))
        .isEqualTo("d/d/");
    assertThat(DeployFiles.interpolate("$${SET} ${SET:?needed}", vars)).isEqualTo("${SET} x");
    assertThatThrownBy(() -> DeployFiles.interpolate("${EMPTY:?set it}", vars))
        .hasMessageContaining("set it");
  }

  /** The health check a service has: its own in compose.yaml, or its Dockerfile's HEALTHCHECK. */
  static Optional<Object> healthCheck(Map<String, Object> service) {
    if (service.get("healthcheck") instanceof Map<?, ?> check) {
      boolean disabled =
          Boolean.TRUE.equals(check.get("disable"))
              || (check.get("test") instanceof List<?> test
                  && !test.isEmpty()
                  && "NONE".equals(test.get(0)));
      if (disabled) {
        return Optional.empty();
      }
      if (check.get("test") != null) {
        return Optional.of(check);
      }
    }
    if (service.get("build") instanceof Map<?, ?> build) {
      Path context = docker().resolve(String.valueOf(build.get("context"))).normalize();
      Object dockerfile = build.get("dockerfile");
      Path file = context.resolve(dockerfile == null ? "Dockerfile" : String.valueOf(dockerfile));
      if (Files.isRegularFile(file)) {
        return DeployFiles.dockerfile(file)
            .last()
            .last("HEALTHCHECK")
            .filter(h -> !h.arguments().toUpperCase(Locale.ROOT).startsWith("NONE"))
            .map(h -> (Object) h.arguments());
      }
    }
    return Optional.empty();
  }

  /** Targets of depends_on with condition service_completed_successfully ("completed"). */
  private static Set<String> dependencies(Map<String, Object> service, String kind) {
    Set<String> targets = new TreeSet<>();
    if (service.get("depends_on") instanceof Map<?, ?> deps) {
      deps.forEach(
          (target, spec) -> {
            Object condition = spec instanceof Map<?, ?> m ? m.get("condition") : null;
            if (kind.equals("completed") && "service_completed_successfully".equals(condition)) {
              targets.add(String.valueOf(target));
            }
          });
    }
    return targets;
  }

  private static Object memoryLimit(Map<String, Object> service) {
    if (service.get("deploy") instanceof Map<?, ?> deploy
        && deploy.get("resources") instanceof Map<?, ?> resources
        && resources.get("limits") instanceof Map<?, ?> limits
        && limits.get("memory") != null) {
      return limits.get("memory");
    }
    return service.get("mem_limit");
  }

  private static long bytes(String size) {
    Matcher m = MEMORY.matcher(size.strip());
    assertThat(m.matches()).as("memory size " + size).isTrue();
    double value = Double.parseDouble(m.group(1));
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    return (long) (value * (1L << shift));
  }

  /** A service's environment as a map, from either the map or the list form. */
  static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    Object raw = service.get("environment");
    if (raw instanceof Map<?, ?> map) {
      map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
    } else if (raw instanceof List<?> list) {
      for (Object item : list) {
        String s = String.valueOf(item);
        int eq = s.indexOf('=');
        env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
      }
    }
    return env;
  }
}
