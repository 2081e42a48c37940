package org.ketaminecds.cds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketaminecds.cds.cards.CardRenderer;
import org.ketaminecds.cds.config.CdsProperties;
import org.ketaminecds.engine.knowledge.KnowledgePack;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * The pack is validated when the service starts: an invalid pack stops it with a message naming the
 * file and the fault, so it never goes live.
 */
class KnowledgePackStartupTest {

  private static final FhirContext FHIR = FhirContext.forR4();
  private static final Path SHIPPED = Path.of("../../fhir-profiles");

  @TempDir Path dir;

  @EnableConfigurationProperties(CdsProperties.class)
  @Configuration(proxyBeanMethods = false)
  static class Properties {}

  private final ApplicationContextRunner service =
      new ApplicationContextRunner()
          .withUserConfiguration(Properties.class, KnowledgeConfiguration.class)
          .withBean(FhirContext.class, () -> FHIR);

  @BeforeEach
  void copyShippedPack() throws IOException {
    for (String folder : new String[] {"rules", "valuesets"}) {
      Files.createDirectories(dir.resolve(folder));
      try (Stream<Path> files = Files.list(SHIPPED.resolve(folder))) {
        for (Path f : files.toList()) {
          Files.copy(f, dir.resolve(folder).resolve(f.getFileName()));
        }
      }
    }
  }

  @Test
  void theBuiltInPackPassesEveryCheckIncludingStrictFhirParsing() {
    KnowledgePack pack = KnowledgeConfiguration.load("", FHIR);

    assertThat(pack.rules().version()).isEqualTo("1.4.0");
    assertThat(pack.rules().rules()).hasSize(26);
  }

  @Test
  void aValidPackDirectoryStartsTheService() {
    service
        .withPropertyValues("cds.knowledge-directory=" + dir)
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(KnowledgePack.class));
  }

  @Test
  void aValueSetThatIsNotValidFhirStopsStartUpNamingTheFile() throws IOException {
    Path file = dir.resolve("valuesets/lamotrigine.json");
    Files.writeString(
        file, Files.readString(file).replace("\"status\": \"active\"", "\"status\": \"live\""));

    service
        .withPropertyValues("cds.knowledge-directory=" + dir)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "valuesets/lamotrigine.json: not a valid FHIR R4 ValueSet"));
  }

  @Test
  void aValueSetWithAnElementR4DoesNotDefineStopsStartUp() throws IOException {
    Path file = dir.resolve("valuesets/memantine.json");
    Files.writeString(
        file, Files.readString(file).replace("\"status\": \"active\"", "\"state\": \"active\""));

    service
        .withPropertyValues("cds.knowledge-directory=" + dir)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("valuesets/memantine.json")
                    .hasMessageContaining("state"));
  }

  @Test
  void aRuleThatBreaksTheSchemaStopsStartUpNamingTheFile() throws IOException {
    Path file = dir.resolve("rules/ketamine-interactions.json");
    Files.writeString(file, Files.readString(file).replaceFirst("\"risk\": \"[^\"]*\",", ""));

    service
        .withPropertyValues("cds.knowledge-directory=" + dir)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("rules/ketamine-interactions.json: does not match")
                    .hasMessageContaining("risk"));
  }

  @Test
  void cardsCanBuildEverySuggestionTheSchemaAllows() throws IOException {
    JsonNode schema;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream(KnowledgePackLoader.SCHEMA)) {
      schema = new ObjectMapper().readTree(in);
    }
    Set<String> allowed = new HashSet<>();
    schema
        .at("/$defs/rule/properties/suggestions/items/enum")
        .forEach(v -> allowed.add(v.asText()));

    assertThat(allowed).isNotEmpty().isEqualTo(CardRenderer.SUGGESTIONS);
  }
}
