package org.ketaminecds.engine.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.engine.Code;

/**
 * The shipped pack loads; a broken pack is refused with a message naming the file and the fault.
 * Broken packs are copies of the shipped one (fhir-profiles/) with one fault each.
 */
class KnowledgePackLoaderTest {

  private static final Path SHIPPED = Path.of("../../fhir-profiles");
  private static final String PACK = "rules/ketamine-interactions.json";

  @TempDir Path dir;

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
  void shippedPackLoadsWithEveryRuleAndValueSet() {
    KnowledgePack pack = KnowledgePackLoader.fromClasspath().load();

    assertThat(pack.rules().version()).isEqualTo("1.4.0");
    assertThat(pack.rules().rules()).hasSize(26);
    assertThat(pack.terminology().valueSets()).hasSize(32);
    // Codes the brief marks unverified keep their flag.
    assertThat(
            pack.terminology()
                .content("https://ketamine-cds.example.org/fhir/ValueSet/esketamine")
                .orElseThrow()
                .unverifiedCodes())
        .containsExactlyInAnyOrder(Code.rxnorm("2201623"), Code.rxnorm("2201625"));
  }

  @Test
  void aCopyOfTheShippedPackLoadsFromADirectory() {
    assertThat(KnowledgePackLoader.fromDirectory(dir).load().rules().rules()).hasSize(26);
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of(
            "a severity outside the schema",
            PACK,
            edit("\"severity\": \"critical\"", "\"severity\": \"severe\""),
            PACK + ": does not match rule-pack.schema.json"),
        Arguments.of(
            "an unknown suggestion id",
            PACK,
            edit("\"cancel-ketamine-order\",", "\"call-the-pharmacist\","),
            "does not match rule-pack.schema.json"),
        Arguments.of(
            "an executable expression smuggled into a modifier",
            PACK,
            edit("\"ageAtLeast\": 65", "\"expression\": \"age >= 65\""),
            "does not match rule-pack.schema.json"),
        Arguments.of(
            "a modifier that raises the severity without its own risk for the summary",
            PACK,
            edit("\"risk\": \"stacked respiratory depression\",", ""),
            "modifier 'cns-depressant-stack' raises the severity, so it needs its own 'risk'"),
        Arguments.of(
            "a duplicate rule id",
            PACK,
            edit("\"id\": \"ketamine-tca\"", "\"id\": \"ketamine-maoi\""),
            PACK + ": duplicate rule id 'ketamine-maoi'"),
        Arguments.of(
            "a value set URL with no file",
            PACK,
            edit("ValueSet/memantine", "ValueSet/memantin"),
            "valuesets/memantin.json: file not found"),
        Arguments.of(
            "a source the pack does not list",
            PACK,
            edit("\"source\": \"DDI-DATASETS\"", "\"source\": \"WIKIPEDIA\""),
            "cites source 'WIKIPEDIA', which 'sources' does not list"),
        Arguments.of(
            "a rule for an unknown trigger",
            PACK,
            edit(
                "\"triggers\": [\n        \"ketamine\",",
                "\"triggers\": [\n        \"arketamine\","),
            "names unknown trigger 'arketamine'"),
        Arguments.of(
            "a value set whose URL differs from its file name",
            "valuesets/ssri.json",
            edit("fhir/ValueSet/ssri\"", "fhir/ValueSet/ssris\""),
            "valuesets/ssri.json: url is"),
        Arguments.of(
            "a value set with concept and filter in one include (FHIR vsd-3)",
            "valuesets/ssri.json",
            edit(
                "\"system\": \"http://www.whocc.no/atc\",\n        \"filter\"",
                "\"system\": \"http://www.whocc.no/atc\",\n        \"concept\": [{\"code\":"
                    + " \"N06AB06\", \"display\": \"sertraline\"}],\n        \"filter\""),
            "valuesets/ssri.json: an include of http://www.whocc.no/atc has both concept and"
                + " filter"),
        Arguments.of(
            "a SNOMED is-a filter the matcher cannot honour",
            "valuesets/glaucoma.json",
            edit(
                "{\n        \"system\": \"http://snomed.info/sct\",",
                "{\"system\": \"http://snomed.info/sct\", \"filter\": [{\"property\": \"concept\","
                    + " \"op\": \"is-a\", \"value\": \"23986001\"}]},\n      {\n        \"system\":"
                    + " \"http://snomed.info/sct\","),
            "valuesets/glaucoma.json: an is-a filter on http://snomed.info/sct cannot be honoured"),
        Arguments.of(
            "a value set that is not JSON",
            "valuesets/memantine.json",
            (UnaryOperator<String>) s -> s.substring(0, s.length() / 2),
            "valuesets/memantine.json: not valid JSON"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void brokenPackIsRefusedNamingFileAndFault(
      String fault, String file, UnaryOperator<String> change, String message) throws IOException {
    Path path = dir.resolve(file);
    String original = Files.readString(path);
    String broken = change.apply(original);
    assertThat(broken).as("the fixture really changes " + file).isNotEqualTo(original);
    Files.writeString(path, broken);

    assertThatThrownBy(() -> KnowledgePackLoader.fromDirectory(dir).load())
        .isInstanceOf(KnowledgePackException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aValueSetCheckSuppliedByTheCallerCanRefuseAFile() {
    KnowledgePackLoader loader =
        KnowledgePackLoader.fromDirectory(dir)
            .withValueSetCheck(
                (path, json) -> {
                  if (path.endsWith("lamotrigine.json")) {
                    throw new KnowledgePackException(path, "refused by the caller");
                  }
                });

    assertThatThrownBy(loader::load)
        .hasMessage("valuesets/lamotrigine.json: refused by the caller");
  }

  private static UnaryOperator<String> edit(String from, String to) {
    return s -> s.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
  }
}
