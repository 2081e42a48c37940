package org.ketaminecds.cds.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Resource;
import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.fuzz.FuzzSeeds;
import org.ketaminecds.cds.fuzz.FuzzedJson;
import org.ketaminecds.cds.prefetch.PatientRecord;
import org.ketaminecds.engine.EvaluationInput;
import org.ketaminecds.engine.InteractionEngine;
import org.ketaminecds.engine.Medication;
import org.ketaminecds.engine.Origin;
import org.ketaminecds.engine.PatientContext;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;

/**
 * Coverage-guided fuzzing of the mapping from FHIR onto what the rules see: draft orders and
 * prefetched records of the real request shapes ({@link FuzzSeeds}) with their resources mutated by
 * {@link FuzzedJson} (statuses, dates, periods, references, contained and included Medications,
 * ingredients, routes, units, components, extensions in place of values), parsed strictly as the
 * service parses them, then mapped by {@link MedicationMapper} and {@link PatientContextMapper} as
 * a hook call maps them, in any time zone and on any day, and evaluated by the engine.
 *
 * <p>Proves that whatever FHIR R4 the service accepts, mapping it never throws (the service would
 * answer 500): a medication keeps the reference it came from, an ended one never ends after today,
 * a known age is never negative, and the engine evaluates the result.
 *
 * <p>Runs the committed corpus ({@code FhirMappingFuzzTestInputs/}) on every build; {@code
 * bench/fuzz.sh mapping 5m} fuzzes it.
 */
class FhirMappingFuzzTest {

  private static final FhirJson FHIR = new FhirJson(FhirContext.forR4Cached());
  private static final InteractionEngine ENGINE =
      new InteractionEngine(KnowledgePackLoader.fromClasspath().load());
  private static final List<ZoneId> ZONES =
      List.of(ZoneId.of("UTC"), ZoneId.of("Pacific/Kiritimati"), ZoneId.of("Etc/GMT+12"));
  private static final LocalDate REFERENCE_DAY = LocalDate.of(2024, 5, 1);

  @FuzzTest
  void mappingNeverFails(FuzzedDataProvider data) {
    JsonNode seed = data.pickValue(FuzzSeeds.hookBodies());
    ZoneId zone = data.pickValue(ZONES);
    LocalDate today = REFERENCE_DAY.plusDays(data.consumeInt(-40_000, 40_000));
    ObjectNode resources = FuzzedJson.JSON.createObjectNode();
    resources.set("draftOrders", seed.path("context").path("draftOrders"));
    resources.set("prefetch", seed.path("prefetch"));
    JsonNode mutated = FuzzedJson.mutate(resources, data, 10);

    Bundle drafts;
    List<Resource> recorded = new ArrayList<>();
    try {
      drafts = FHIR.parse(mutated.path("draftOrders"), Bundle.class, "context.draftOrders");
      JsonNode prefetch = mutated.path("prefetch");
      if (prefetch.isObject()) {
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) prefetch::fields) {
          if (!field.getValue().isNull()) {
            recorded.addAll(resources(FHIR.parse(field.getValue(), "prefetch." + field.getKey())));
          }
        }
      }
    } catch (CdsException refused) {
      return; // the whole call is refused 400 before anything is mapped
    }

    try {
      map(drafts, recorded, zone, today);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError(
          "mapping accepted FHIR threw "
              + e.getClass().getName()
              + ": the service would answer 500",
          e);
    }
  }

  /** As {@code OrderCheck} and {@code PatientRecordAssembler} map one call's data. */
  private static void map(Bundle drafts, List<Resource> recorded, ZoneId zone, LocalDate today) {
    Map<String, Resource> draftIndex = MedicationMapper.index(drafts);
    List<MedicationRequest> draftRequests = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : drafts.getEntry()) {
      if (entry.getResource() instanceof MedicationRequest order) {
        draftRequests.add(order);
      }
    }
    MedicationMapper draftMapper = new MedicationMapper(draftIndex, zone);
    List<Medication> orders = new ArrayList<>();
    for (MedicationRequest order : draftRequests) {
      draftMapper.missingMedication(order);
      draftMapper.unidentified(order);
      draftMapper.fromRequest(order, Origin.DRAFT_ORDER, today).ifPresent(orders::add);
    }

    PatientRecord record = PatientRecord.of(recorded, Set.of());
    Map<String, Resource> references = new HashMap<>(record.resources());
    references.putAll(draftIndex);
    MedicationMapper mapper = new MedicationMapper(references, zone);
    List<Medication> medications = new ArrayList<>();
    List<DomainResource> owners = new ArrayList<>(record.medicationRequests());
    owners.addAll(record.medicationStatements());
    for (DomainResource owner : owners) {
      mapper.missingMedication(owner);
      mapper.unidentified(owner);
    }
    record
        .medicationRequests()
        .forEach(r -> mapper.fromRequest(r, Origin.REQUEST, today).ifPresent(medications::add));
    record
        .medicationStatements()
        .forEach(s -> mapper.fromStatement(s, today).ifPresent(medications::add));
    PatientContext context =
        new PatientContextMapper()
            .map(record.patient(), record.conditions(), record.observations(), today);

    for (Medication m : orders) {
      assertThat(m.reference()).startsWith("MedicationRequest");
    }
    for (Medication m : medications) {
      assertThat(m.reference()).startsWith("Medication");
      m.endedOn()
          .ifPresent(
              end ->
                  assertThat(end)
                      .as("%s ends no later than today", m.reference())
                      .isBeforeOrEqualTo(today));
    }
    if (context.ageYears().isPresent()) {
      assertThat(context.ageYears().getAsInt()).as("age").isNotNegative();
    }
    ENGINE.evaluate(new EvaluationInput(orders, List.of(), medications, context, today));
  }

  private static List<Resource> resources(IBaseResource resource) {
    if (resource instanceof Bundle bundle) {
      List<Resource> result = new ArrayList<>();
      bundle.getEntry().stream()
          .filter(Bundle.BundleEntryComponent::hasResource)
          .forEach(e -> result.add(e.getResource()));
      return result;
    }
    return List.of((Resource) resource);
  }
}
