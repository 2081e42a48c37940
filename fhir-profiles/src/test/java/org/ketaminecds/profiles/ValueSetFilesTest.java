package org.ketaminecds.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The value set files as FHIR: each parses strictly as an R4 ValueSet with HAPI, carries a
 * canonical URL matching its file name, a version and a note of where its codes were checked; and
 * together they hold every product code of the brief's CSV in the class of each of its ingredients.
 */
class ValueSetFilesTest {

  private static final FhirContext FHIR = FhirContext.forR4();
  private static final Path VALUESETS = Path.of("valuesets");
  private static final Path SOURCES = Path.of("tools/sources");
  private static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  private static final String INGREDIENT =
      "https://ketamine-cds.example.org/fhir/StructureDefinition/ingredient";

  static Stream<Path> valueSetFiles() throws IOException {
    return Files.list(VALUESETS).filter(p -> p.toString().endsWith(".json")).sorted();
  }

  private static ValueSet parse(Path file) throws IOException {
    IParser parser = FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    return parser.parseResource(ValueSet.class, Files.readString(file));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSetFiles")
  void isAStrictlyValidR4ValueSetWithCanonicalUrlVersionAndProvenance(Path file)
      throws IOException {
    ValueSet vs = parse(file);
    String name = file.getFileName().toString().replace(".json", "");

    assertThat(vs.getUrl()).isEqualTo("https://ketamine-cds.example.org/fhir/ValueSet/" + name);
    assertThat(vs.getVersion()).isEqualTo("1.4.0");
    assertThat(vs.getStatus().toCode()).isEqualTo("active");
    assertThat(vs.getDescription()).containsAnyOf("checked", "flagged code-unverified", "LOINC");
    for (ValueSet.ConceptSetComponent include : vs.getCompose().getInclude()) {
      // FHIR invariant vsd-3, which HAPI's parser does not check.
      assertThat(include.hasConcept() && include.hasFilter()).as("vsd-3 in " + name).isFalse();
    }
  }

  @Test
  void everyProductOfTheBriefIsInTheClassOfEachOfItsIngredients() throws IOException {
    // product code -> ingredients it is listed with in the value sets
    Map<String, Set<String>> listed = new HashMap<>();
    Set<String> withoutExposure = new HashSet<>();
    for (Path file : valueSetFiles().toList()) {
      if (file.getFileName().toString().equals("no-systemic-exposure.json")) {
        parse(file)
            .getCompose()
            .getInclude()
            .forEach(i -> i.getConcept().forEach(c -> withoutExposure.add(c.getCode())));
        continue;
      }
      for (ValueSet.ConceptSetComponent include : parse(file).getCompose().getInclude()) {
        if (!RXNORM.equals(include.getSystem())) {
          continue;
        }
        for (ValueSet.ConceptReferenceComponent c : include.getConcept()) {
          for (Extension e : c.getExtensionsByUrl(INGREDIENT)) {
            listed
                .computeIfAbsent(c.getCode(), k -> new HashSet<>())
                .add(((StringType) e.getValue()).getValue());
          }
        }
      }
    }
    List<String> missing = new ArrayList<>();
    Set<String> topical = Set.of("106336", "203088", "240812", "647253", "728550");
    for (String line : csv("va-products-in-scope.csv")) {
      // product_rxcui,"name, maybe with commas",ingredients,ingredient_rxcuis
      String code = line.substring(0, line.indexOf(','));
      String[] tail = line.substring(line.lastIndexOf('"') + 1).split(",");
      String ingredients = tail[tail.length - 2];
      if (topical.contains(code)) {
        // In no class, but known: a medication coded with it is identified.
        assertThat(listed).doesNotContainKey(code);
        assertThat(withoutExposure).contains(code);
        continue;
      }
      for (String ingredient : ingredients.split("\\|")) {
        if (!listed.getOrDefault(code, Set.of()).contains(ingredient)) {
          missing.add(code + " (" + ingredient + ")");
        }
      }
    }
    assertThat(missing).as("products missing from their ingredient's class").isEmpty();
    assertThat(listed).hasSizeGreaterThan(770);
  }

  private static List<String> csv(String name) throws IOException {
    List<String> lines = Files.readAllLines(SOURCES.resolve(name));
    return lines.subList(1, lines.size());
  }
}
