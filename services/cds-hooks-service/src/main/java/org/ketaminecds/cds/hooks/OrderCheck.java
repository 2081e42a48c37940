package org.ketaminecds.cds.hooks;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Resource;
import org.ketaminecds.cds.alerts.AlertFiltering;
import org.ketaminecds.cds.alerts.AlertOptions;
import org.ketaminecds.cds.alerts.RepeatAlertFilter;
import org.ketaminecds.cds.cards.Card;
import org.ketaminecds.cds.cards.CardRenderer;
import org.ketaminecds.cds.config.CdsProperties;
import org.ketaminecds.cds.discovery.CdsServiceCatalog;
import org.ketaminecds.cds.discovery.Hook;
import org.ketaminecds.cds.fhir.MedicationMapper;
import org.ketaminecds.cds.fhir.PatientContextMapper;
import org.ketaminecds.cds.prefetch.FetchBudget;
import org.ketaminecds.cds.prefetch.PatientRecord;
import org.ketaminecds.cds.prefetch.PatientRecordAssembler;
import org.ketaminecds.cds.prefetch.PrefetchUnavailableException;
import org.ketaminecds.engine.Evaluation;
import org.ketaminecds.engine.EvaluationInput;
import org.ketaminecds.engine.InteractionEngine;
import org.ketaminecds.engine.Medication;
import org.ketaminecds.engine.Origin;
import org.ketaminecds.engine.PatientContext;
import org.springframework.stereotype.Component;

/**
 * The check for one hook call: find the ketamine orders among the draft orders in scope, complete
 * the patient data (only then: other orders need none), map it, evaluate, write the cards.
 */
@Component
class OrderCheck {

  /** Human names of prefetch keys, for the "check incomplete" card. */
  private static final Map<String, String> DATA_NAMES =
      Map.of(
          CdsServiceCatalog.PATIENT, "demographics (age)",
          CdsServiceCatalog.CONDITIONS, "conditions",
          CdsServiceCatalog.BLOOD_PRESSURE, "blood-pressure readings");

  private final InteractionEngine engine;
  private final PatientRecordAssembler assembler;
  private final CardRenderer renderer;
  private final AlertFiltering alerts;
  private final Clock clock;
  private final ZoneId zone;

  OrderCheck(
      InteractionEngine engine,
      PatientRecordAssembler assembler,
      CardRenderer renderer,
      AlertFiltering alerts,
      Clock clock,
      CdsProperties properties) {
    this.engine = engine;
    this.assembler = assembler;
    this.renderer = renderer;
    this.alerts = alerts;
    this.clock = clock;
    this.zone = properties.timeZone();
  }

  /** The result of one check: the evaluation (for audit) and the cards. */
  record Result(Evaluation evaluation, List<Card> cards) {}

  Result run(HookRequest request, String baseUrl) {
    AlertOptions alertOptions = alerts.options(request.extension());
    LocalDate today = LocalDate.now(clock.withZone(zone));
    FetchBudget budget = assembler.budget();
    Bundle drafts = request.context().draftOrders();
    Map<String, Resource> draftIndex = MedicationMapper.index(drafts);
    List<MedicationRequest> draftRequests = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : drafts.getEntry()) {
      if (entry.getResource() instanceof MedicationRequest order) {
        draftRequests.add(order);
      }
    }
    // A draft that only references its Medication must be read before we know what it is: from
    // the prefetched medication lists, where the EHR may have included it, else from fhirServer.
    MedicationMapper sentWithDrafts = new MedicationMapper(draftIndex, zone);
    if (draftRequests.stream().anyMatch(d -> sentWithDrafts.missingMedication(d).isPresent())) {
      assembler.prefetchedMedications(request).forEach(draftIndex::putIfAbsent);
      draftIndex.putAll(fetchMissing(request, draftRequests, draftIndex, budget));
    }
    MedicationMapper draftMapper = new MedicationMapper(draftIndex, zone);

    Set<String> selected = new HashSet<>(request.context().selections());
    boolean sign = request.service().hookType() == Hook.ORDER_SIGN;
    List<Medication> inScope = new ArrayList<>();
    List<Medication> otherDrafts = new ArrayList<>();
    for (MedicationRequest order : draftRequests) {
      Optional<Medication> medication = draftMapper.fromRequest(order, Origin.DRAFT_ORDER, today);
      if (medication.isEmpty()) {
        continue;
      }
      if (sign || selected.contains(medication.get().reference())) {
        inScope.add(medication.get());
      } else {
        otherDrafts.add(medication.get());
      }
    }
    requireIdentified(inScope, "a draft order");
    if (inScope.stream().noneMatch(m -> engine.trigger(m).isPresent())) {
      Evaluation none = new Evaluation(engine.rulePack().version(), List.of(), List.of());
      return new Result(none, List.of());
    }

    PatientRecord record = assembler.assemble(request, budget);
    Map<String, Resource> references = new HashMap<>(record.resources());
    references.putAll(draftIndex);
    List<DomainResource> recorded = new ArrayList<>(record.medicationRequests());
    recorded.addAll(record.medicationStatements());
    references.putAll(fetchMissing(request, recorded, references, budget));
    MedicationMapper mapper = new MedicationMapper(references, zone);
    Set<String> draftIds = new HashSet<>();
    inScope.forEach(m -> draftIds.add(m.reference()));
    otherDrafts.forEach(m -> draftIds.add(m.reference()));
    List<Medication> medications = new ArrayList<>();
    for (MedicationRequest r : record.medicationRequests()) {
      mapper
          .fromRequest(r, Origin.REQUEST, today)
          .filter(m -> !draftIds.contains(m.reference())) // the EHR may list the draft itself
          .ifPresent(medications::add);
    }
    for (MedicationStatement s : record.medicationStatements()) {
      mapper.fromStatement(s, today).ifPresent(medications::add);
    }
    requireIdentified(medications, "a medication on the patient's record");
    List<Medication> unidentified =
        medications.stream().filter(m -> m.isActive() && !engine.identifies(m)).toList();
    PatientContext patient =
        new PatientContextMapper()
            .map(record.patient(), record.conditions(), record.observations(), today);

    Evaluation evaluation =
        engine.evaluate(new EvaluationInput(inScope, otherDrafts, medications, patient, today));
    List<String> incomplete =
        record.unavailable().stream().map(DATA_NAMES::get).filter(n -> n != null).sorted().toList();
    var audience =
        new RepeatAlertFilter.Audience(
            request.context().userId(),
            request.context().patientId(),
            request.context().encounterId().orElse(""));
    List<Card> cards =
        alerts.apply(
            request.service().hookType(),
            alertOptions,
            audience,
            evaluation,
            clock.instant(),
            baseUrl + "/rules",
            shown ->
                renderer.render(
                    shown,
                    engine.rulePack(),
                    request.context().patientId(),
                    baseUrl,
                    incomplete,
                    unidentified));
    return new Result(evaluation, cards);
  }

  /** Reads the Medications these resources reference but that are not at hand. */
  private Map<String, Resource> fetchMissing(
      HookRequest request,
      List<? extends DomainResource> owners,
      Map<String, Resource> atHand,
      FetchBudget budget) {
    MedicationMapper mapper = new MedicationMapper(atHand, zone);
    Set<String> missing = new LinkedHashSet<>();
    owners.forEach(o -> mapper.missingMedication(o).ifPresent(missing::add));
    return missing.isEmpty() ? Map.of() : assembler.fetchMedications(request, missing, budget);
  }

  /**
   * A medication that still counts but names no drug at all (its Medication could be neither found
   * nor read) would make the answer a silent "all clear": refuse instead, as for a missing
   * medication list.
   */
  private static void requireIdentified(List<Medication> medications, String what) {
    for (Medication m : medications) {
      boolean counts = m.endedOn().map(end -> !end.equals(Medication.END_UNKNOWN)).orElse(true);
      if (counts && m.codes().isEmpty() && m.names().isEmpty()) {
        throw new PrefetchUnavailableException(
            what
                + " names no drug that could be read: it has no medication code or text, or"
                + " references a Medication that was neither contained, sent along, nor readable"
                + " from fhirServer");
      }
    }
  }
}
