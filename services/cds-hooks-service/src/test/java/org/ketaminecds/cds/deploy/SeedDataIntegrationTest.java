package org.ketaminecds.cds.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.deploy.DeployFiles.docker;
import static org.ketaminecds.cds.deploy.DeployFiles.read;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.ketaminecds.cds.testing.TestFhirServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The synthetic patients the compose stack loads into its FHIR server (docker/seed) are real FHIR
 * R4 transactions, and each one, ordered ketamine with the matching request in docker/examples,
 * gets the cards it was made to show: the service reads the seeded record from a real HAPI FHIR
 * server, as it does from the stack's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SeedDataIntegrationTest {

  /** Per seeded patient: the rules whose cards a ketamine order must show, with indicators. */
  static final Map<String, Map<String, String>> EXPECTED_CARDS =
      Map.of(
          "seed-maoi", Map.of("ketamine-maoi", "critical"),
          // aged 70: the TCA caution is raised for patients of 65 and over
          "seed-tca-older", Map.of("ketamine-tca", "critical"),
          // hypertension on the problem list and a latest blood pressure of 152/96
          "seed-snri-hypertension",
              Map.of(
                  "ketamine-snri", "warning",
                  "ketamine-hypertension", "warning",
                  "ketamine-raised-blood-pressure", "warning"),
          // two CNS-depressant classes at once
          "seed-benzo-opioid",
              Map.of("ketamine-benzodiazepine", "critical", "ketamine-opioid", "critical"));

  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String SYNTHETIC = "HTEST";

  static TestFhirServer ehr;

  @LocalServerPort int port;

  @BeforeAll
  static void loadTheSeedsIntoAFhirServer() {
    // The shared server is on the test EHR's allow-list of FHIR servers (TestTokens); the seeds'
    // ids are their own.
    ehr = TestFhirServer.shared();
    seeds().forEach(seed -> ehr.add(resources(parse(seed)).toArray(Resource[]::new)));
    // In the stack the FHIR server has served the seeder before any order arrives; a HAPI server
    // sets itself up on its first request.
    assertThat(
            new CdsHttp(0)
                .send(HttpRequest.newBuilder(URI.create(ehr.baseUrl() + "/metadata")))
                .status())
        .isEqualTo(200);
  }

  static List<Path> seeds() {
    return list(docker().resolve("seed"), "");
  }

  static Stream<String> seededPatients() {
    return seeds().stream().map(SeedDataIntegrationTest::patientOf);
  }

  static boolean warm;

  /**
   * The service's first FHIR read after start-up loads and sets up HAPI's client, which can take
   * longer than the whole fetch budget (cds.fhir.total-timeout, 2 s) and answer 412. That is a
   * start-up matter, not one of the seed data: one call first, as any earlier order would.
   */
  @BeforeEach
  void warmUpTheServicesFhirClient() {
    if (!warm) {
      ObjectNode request =
          (ObjectNode)
              json(
                  docker()
                      .resolve(
                          "examples/order-sign-"
                              + seededPatients().findFirst().orElseThrow()
                              + ".json"));
      request.put("fhirServer", ehr.baseUrl());
      new CdsHttp(port).post(SIGN, request.toString());
      warm = true;
    }
  }

  @Test
  void everySeededPatient_hasAnExampleOrder_andExpectedCards() {
    Set<String> patients = new TreeSet<>(seededPatients().toList());
    Set<String> examples = new TreeSet<>();
    list(docker().resolve("examples"), "order-sign-")
        .forEach(
            f ->
                examples.add(
                    f.getFileName().toString().replace("order-sign-", "").replace(".json", "")));

    assertThat(patients).hasSizeGreaterThanOrEqualTo(1);
    assertThat(examples).isEqualTo(patients);
    assertThat(EXPECTED_CARDS.keySet()).isEqualTo(patients);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void seedFile_isAStrictFhirR4TransactionThatPutsEachResourceById(Path seed) {
    Bundle bundle = parse(seed);

    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    assertThat(bundle.getEntry()).isNotEmpty();
    // The Patient goes first so that every later entry's reference to it resolves on a server
    // that enforces referential integrity (HAPI's JPA server does).
    Resource first = bundle.getEntryFirstRep().getResource();
    assertThat(first).isInstanceOf(Patient.class);
    assertThat(first.getIdElement().getIdPart())
        .isEqualTo(seed.getFileName().toString().replace(".json", ""));
    Set<String> ids = new TreeSet<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      String relative = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
      assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
      assertThat(entry.getRequest().getUrl()).isEqualTo(relative);
      assertThat(resource.getMeta().getTag())
          .as(relative + " is tagged as test data")
          .anySatisfy(tag -> assertThat(tag.getCode()).isEqualTo(SYNTHETIC));
      assertThat(ids.add(relative)).as("unique " + relative).isTrue();
      for (Reference reference : references(resource)) {
        assertThat(ids)
            .as(relative + " refers to " + reference.getReference())
            .contains(reference.getReference());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("seededPatients")
  void ketamineOrderForASeededPatient_showsTheCardsItsRecordCallsFor(String patient) {
    ObjectNode request =
        (ObjectNode) json(docker().resolve("examples/order-sign-" + patient + ".json"));
    assertThat(request.at("/context/patientId").asText()).isEqualTo(patient);
    // The example names the stack's FHIR server; here the same records are on a local one.
    request.put("fhirServer", ehr.baseUrl());

    var response = new CdsHttp(port).post(SIGN, request.toString());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    Map<String, String> shown = new LinkedHashMap<>();
    response
        .json()
        .get("cards")
        .forEach(
            card ->
                shown.put(card.at("/source/topic/code").asText(), card.get("indicator").asText()));
    assertThat(shown).as("cards for " + patient).containsAllEntriesOf(EXPECTED_CARDS.get(patient));
  }

  @Test
  void exampleOrders_nameTheFhirServerTheStacksServiceTrusts_whichRelaysToTheSeededServer() {
    Map<String, String> service = DeployFiles.containerEnvironment("cds-hooks-service", Map.of());
    Map<String, String> sidecar = DeployFiles.containerEnvironment("demo-ehr", Map.of());
    String trusted = service.get("CDS_SECURITY_ISSUERS_0_FHIRSERVERS_0");

    assertThat(URI.create(trusted).getPort())
        .isEqualTo(Integer.parseInt(sidecar.get("DEMO_EHR_FHIR_PORT")));
    assertThat(URI.create(sidecar.get("DEMO_EHR_FHIR_UPSTREAM")).getHost()).isEqualTo("fhir");
    assertThat(DeployFiles.services()).containsKey("fhir");
    list(docker().resolve("examples"), "order-sign-")
        .forEach(
            example -> assertThat(json(example).get("fhirServer").asText()).isEqualTo(trusted));
  }

  private static Bundle parse(Path seed) {
    IParser parser = FhirContext.forR4Cached().newJsonParser();
    parser.setParserErrorHandler(new StrictErrorHandler());
    return parser.parseResource(Bundle.class, read(seed));
  }

  private static List<Resource> resources(Bundle bundle) {
    return bundle.getEntry().stream().map(BundleEntryComponent::getResource).toList();
  }

  private static String patientOf(Path seed) {
    return parse(seed).getEntryFirstRep().getResource().getIdElement().getIdPart();
  }

  /** The literal references a seeded resource makes (the seeds refer only to their patient). */
  private static List<Reference> references(Resource resource) {
    List<Reference> refs = new ArrayList<>();
    FhirContext.forR4Cached()
        .newTerser()
        .getAllPopulatedChildElementsOfType(resource, Reference.class)
        .stream()
        .filter(Reference::hasReference)
        .forEach(refs::add);
    return refs;
  }

  private static JsonNode json(Path file) {
    try {
      return HookRequests.JSON.readTree(read(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> list(Path dir, String prefix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(prefix))
          .filter(f -> f.getFileName().toString().endsWith(".json"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
