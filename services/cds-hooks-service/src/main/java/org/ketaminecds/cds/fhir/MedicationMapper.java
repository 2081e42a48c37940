package org.ketaminecds.cds.fhir;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.Origin;
import org.ketaminecds.engine.Route;

/**
 * Maps MedicationRequest and MedicationStatement onto the engine's {@link
 * org.ketaminecds.engine.Medication}, whichever way the EHR coded the drug: a CodeableConcept, or a
 * reference to a contained Medication, a Medication elsewhere in the request, or one fetched by the
 * caller. A Medication's ingredients count as its codes, so combination products match each
 * ingredient's class.
 */
public final class MedicationMapper {

  /** SNOMED CT route codes (the FHIR R4 route value set) onto the routes the rules know. */
  private static final Map<String, Route> SNOMED_ROUTES =
      Map.ofEntries(
          Map.entry("26643006", Route.ORAL),
          Map.entry("47625008", Route.INTRAVENOUS),
          Map.entry("78421000", Route.INTRAMUSCULAR),
          Map.entry("34206005", Route.SUBCUTANEOUS),
          Map.entry("46713006", Route.INTRANASAL),
          Map.entry("37839007", Route.ORAL), // sublingual: absorbed by mouth
          Map.entry("54471007", Route.ORAL), // buccal
          Map.entry("372473007", Route.ORAL)); // oromucosal

  private final Map<String, Resource> elsewhere;
  private final ZoneId zone;

  /**
   * @param elsewhere resources outside the one being mapped that references may point to
   *     (draftOrders entries, included Medications), by {@code Type/id} and by full URL
   */
  public MedicationMapper(Map<String, Resource> elsewhere, ZoneId zone) {
    this.elsewhere = elsewhere;
    this.zone = zone;
  }

  /**
   * A draft or recorded MedicationRequest; empty when it does not count: cancelled, entered in
   * error, someone else's unsigned draft, or an order not to give the drug ({@code doNotPerform}).
   * A stopped or completed request, or one whose course (dosage bounds) has ended, comes back with
   * the day it ended: rules decide how long an ended medication still matters (an MAOI for 14
   * days).
   */
  public Optional<org.ketaminecds.engine.Medication> fromRequest(
      MedicationRequest request, Origin origin, LocalDate today) {
    // getStatus() is null also when the element carries only an id or extension (say a
    // data-absent-reason): read that as no status.
    String status =
        request.getStatus() != null
            ? request.getStatus().toCode()
            : origin == Origin.DRAFT_ORDER ? "draft" : "unknown";
    Optional<LocalDate> endedOn;
    switch (status) {
      case "active", "on-hold", "draft", "unknown" ->
          endedOn = courseEnd(request).filter(end -> end.isBefore(today));
      case "stopped", "completed" -> endedOn = Optional.of(stoppedOn(request, today));
      default -> {
        return Optional.empty(); // cancelled, entered-in-error
      }
    }
    if (origin != Origin.DRAFT_ORDER && "draft".equals(status)) {
      return Optional.empty(); // someone else's unsigned order
    }
    if (request.getDoNotPerform()) {
      // An order that the drug NOT be given: the patient is not taking it, and a draft of one
      // orders no ketamine.
      return Optional.empty();
    }
    Concept concept = concept(request, request.getMedication());
    Route route = route(request.getDosageInstruction(), concept);
    return Optional.of(
        new org.ketaminecds.engine.Medication(
            reference(request), origin, concept.codes, concept.names, route, endedOn));
  }

  /**
   * A patient-reported, OTC or herbal MedicationStatement; empty when it does not count (entered in
   * error, not taken). One whose effective period has ended comes back with the day it ended.
   */
  public Optional<org.ketaminecds.engine.Medication> fromStatement(
      MedicationStatement statement, LocalDate today) {
    String status = statement.getStatus() != null ? statement.getStatus().toCode() : "unknown";
    Optional<LocalDate> end = statementEnd(statement);
    Optional<LocalDate> endedOn;
    switch (status) {
      case "active", "intended", "on-hold", "unknown" ->
          endedOn = end.filter(e -> e.isBefore(today));
      case "completed", "stopped" ->
          endedOn =
              Optional.of(
                  end.or(() -> effectiveDay(statement))
                      .or(() -> date(statement.getDateAsserted()))
                      .or(() -> lastUpdated(statement))
                      .map(d -> d.isAfter(today) ? today : d)
                      .orElse(org.ketaminecds.engine.Medication.END_UNKNOWN));
      default -> {
        return Optional.empty(); // entered-in-error, not-taken
      }
    }
    Concept concept = concept(statement, statement.getMedication());
    Route route = route(statement.getDosage(), concept);
    return Optional.of(
        new org.ketaminecds.engine.Medication(
            reference(statement), Origin.STATEMENT, concept.codes, concept.names, route, endedOn));
  }

  /**
   * The Medication this request or statement refers to but that is not at hand (neither contained
   * nor elsewhere in the request), as the reference was written; the caller may fetch it.
   */
  public Optional<String> missingMedication(DomainResource owner) {
    Type medication =
        owner instanceof MedicationRequest r
            ? r.getMedication()
            : owner instanceof MedicationStatement s ? s.getMedication() : null;
    if (!(medication instanceof Reference ref) || ref.getReference() == null) {
      return Optional.empty(); // also a reference element with only an id or extension
    }
    return resolve(owner, ref).isPresent() ? Optional.empty() : Optional.of(ref.getReference());
  }

  /** Whether this request or statement names no drug at all that could be matched. */
  public boolean unidentified(DomainResource owner) {
    Type medication =
        owner instanceof MedicationRequest r
            ? r.getMedication()
            : owner instanceof MedicationStatement s ? s.getMedication() : null;
    Concept concept = concept(owner, medication);
    return concept.codes.isEmpty() && concept.names.isEmpty();
  }

  /** When the course of an active request ends (its dosage bounds), if it says. */
  private Optional<LocalDate> courseEnd(MedicationRequest request) {
    Optional<LocalDate> latest = Optional.empty();
    for (Dosage dosage : request.getDosageInstruction()) {
      if (!dosage.hasTiming()
          || !dosage.getTiming().hasRepeat()
          || !dosage.getTiming().getRepeat().hasBoundsPeriod()) {
        return Optional.empty(); // a dosage without bounds runs on
      }
      Optional<LocalDate> end = date(dosage.getTiming().getRepeat().getBoundsPeriod().getEnd());
      if (end.isEmpty()) {
        return Optional.empty();
      }
      latest = latest.isEmpty() || end.get().isAfter(latest.get()) ? end : latest;
    }
    return latest;
  }

  /**
   * The day a stopped or completed request ended: when its record last changed (status changes
   * update it), else the end of its course or validity, else when it was written. Never later than
   * today; {@link org.ketaminecds.engine.Medication#END_UNKNOWN} when nothing says.
   */
  private LocalDate stoppedOn(MedicationRequest request, LocalDate today) {
    Optional<LocalDate> end =
        lastUpdated(request)
            .or(() -> courseEnd(request))
            .or(
                () ->
                    request.hasDispenseRequest() && request.getDispenseRequest().hasValidityPeriod()
                        ? date(request.getDispenseRequest().getValidityPeriod().getEnd())
                        : Optional.empty())
            .or(() -> supplyEnd(request))
            .or(() -> date(request.getAuthoredOn()));
    return end.map(d -> d.isAfter(today) ? today : d)
        .orElse(org.ketaminecds.engine.Medication.END_UNKNOWN);
  }

  /** When the supply it was written for ran out: authored on, plus the expected supply duration. */
  private Optional<LocalDate> supplyEnd(MedicationRequest request) {
    if (!request.hasDispenseRequest()
        || !request.getDispenseRequest().hasExpectedSupplyDuration()
        || !request.getDispenseRequest().getExpectedSupplyDuration().hasValue()) {
      return Optional.empty();
    }
    var duration = request.getDispenseRequest().getExpectedSupplyDuration();
    String unit = duration.hasCode() ? duration.getCode() : duration.getUnit();
    long days =
        switch (unit == null ? "" : unit.toLowerCase(java.util.Locale.ROOT)) {
          case "d", "day", "days" -> duration.getValue().longValue();
          case "wk", "week", "weeks" -> duration.getValue().longValue() * 7;
          case "mo", "month", "months" -> duration.getValue().longValue() * 30;
          default -> -1;
        };
    return days < 0 || days > 3660
        ? Optional.empty()
        : date(request.getAuthoredOn()).map(d -> d.plusDays(days));
  }

  /** The day a statement's effectiveDateTime names: for a stopped one, when it was last taken. */
  private Optional<LocalDate> effectiveDay(MedicationStatement statement) {
    return statement.hasEffectiveDateTimeType()
        ? date(statement.getEffectiveDateTimeType().getValue())
        : Optional.empty();
  }

  private Optional<LocalDate> lastUpdated(DomainResource resource) {
    return resource.hasMeta() ? date(resource.getMeta().getLastUpdated()) : Optional.empty();
  }

  private Optional<LocalDate> statementEnd(MedicationStatement statement) {
    if (statement.hasEffectivePeriod()) {
      Period period = statement.getEffectivePeriod();
      return date(period.getEnd());
    }
    return Optional.empty();
  }

  private Optional<LocalDate> date(Date date) {
    return Optional.ofNullable(date).map(d -> d.toInstant().atZone(zone).toLocalDate());
  }

  private Concept concept(DomainResource owner, Type medication) {
    Concept concept = new Concept();
    if (medication instanceof CodeableConcept cc) {
      concept.add(cc);
    } else if (medication instanceof Reference ref) {
      Optional<Medication> resolved = resolve(owner, ref);
      resolved.ifPresent(concept::add);
      if (ref.hasDisplay()) {
        concept.names.add(ref.getDisplay());
      }
    }
    return concept;
  }

  private Optional<Medication> resolve(DomainResource owner, Reference ref) {
    if (ref.getResource() instanceof Medication m) {
      return Optional.of(m); // HAPI links contained resources while parsing
    }
    String value = ref.getReference();
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    if (value.startsWith("#")) {
      String id = value.substring(1);
      return owner.getContained().stream()
          .filter(r -> r instanceof Medication && id.equals(r.getIdElement().getIdPart()))
          .map(Medication.class::cast)
          .findFirst();
    }
    Resource found = elsewhere.get(value);
    if (found == null && value.contains("/_history/")) {
      value = value.substring(0, value.indexOf("/_history/"));
      found = elsewhere.get(value);
    }
    if (found == null) {
      // An absolute URL whose tail is Medication/id.
      int at = value.lastIndexOf("Medication/");
      if (at > 0) {
        found = elsewhere.get(value.substring(at));
      }
    }
    return found instanceof Medication m ? Optional.of(m) : Optional.empty();
  }

  private Route route(List<Dosage> dosages, Concept concept) {
    for (Dosage dosage : dosages) {
      if (!dosage.hasRoute()) {
        continue;
      }
      for (Coding coding : dosage.getRoute().getCoding()) {
        Route route = coding.getCode() == null ? null : SNOMED_ROUTES.get(coding.getCode());
        if (route != null) {
          return route;
        }
      }
      Route byText = routeFromText(dosage.getRoute().getText());
      if (byText != Route.UNKNOWN) {
        return byText;
      }
      for (Coding coding : dosage.getRoute().getCoding()) {
        Route byDisplay = routeFromText(coding.getDisplay());
        if (byDisplay != Route.UNKNOWN) {
          return byDisplay;
        }
      }
    }
    // No route coded: the dosage instruction may say it ("50 mg PO before the session").
    for (Dosage dosage : dosages) {
      Route byInstruction = routeFromText(dosage.getText());
      if (byInstruction != Route.UNKNOWN) {
        return byInstruction;
      }
    }
    // No route given: the product name often says it ("nasal spray", "oral solution", "inj").
    for (String name : concept.routeHints()) {
      Route byName = routeFromText(name);
      if (byName != Route.UNKNOWN) {
        return byName;
      }
    }
    return Route.UNKNOWN;
  }

  static Route routeFromText(String text) {
    if (text == null) {
      return Route.UNKNOWN;
    }
    String t = " " + text.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", " ") + " ";
    if (t.contains(" nasal ") || t.contains(" intranasal ") || t.contains(" spray ")) {
      return Route.INTRANASAL;
    }
    if (t.contains(" intravenous ") || t.contains(" iv ")) {
      return Route.INTRAVENOUS;
    }
    if (t.contains(" intramuscular ") || t.contains(" im ")) {
      return Route.INTRAMUSCULAR;
    }
    if (t.contains(" subcutaneous ") || t.contains(" sc ") || t.contains(" subq ")) {
      return Route.SUBCUTANEOUS;
    }
    if (t.contains(" oral ")
        || t.contains(" po ")
        || t.contains(" by mouth ")
        || t.contains(" tab ")
        || t.contains(" tablet ")
        || t.contains(" capsule ")
        || t.contains(" cap ")
        || t.contains(" lozenge ")
        || t.contains(" troche ")
        || t.contains(" sublingual ")
        || t.contains(" orally ")
        || t.contains(" sl ")
        || t.contains(" buccal ")
        || t.contains(" oromucosal ")
        || t.contains(" odt ")
        || t.contains(" rdt ")) {
      return Route.ORAL;
    }
    if (t.contains(" inj ") || t.contains(" injection ") || t.contains(" injectable ")) {
      return Route.OTHER;
    }
    return Route.UNKNOWN;
  }

  private static String reference(Resource resource) {
    if (resource.hasIdElement() && resource.getIdElement().hasIdPart()) {
      return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }
    return resource.fhirType();
  }

  /** Codes and names gathered from a concept, a Medication and its ingredients. */
  private static final class Concept {
    final List<Code> codes = new ArrayList<>();
    final List<String> names = new ArrayList<>();
    final List<String> formNames = new ArrayList<>();

    void add(CodeableConcept cc) {
      if (cc.hasText()) {
        names.add(cc.getText());
      }
      for (Coding coding : cc.getCoding()) {
        if (coding.getSystem() != null && coding.getCode() != null) {
          codes.add(new Code(coding.getSystem(), coding.getCode()));
        }
        if (coding.hasDisplay()) {
          names.add(coding.getDisplay());
        }
      }
    }

    void add(Medication medication) {
      if (medication.hasCode()) {
        add(medication.getCode());
      }
      for (Medication.MedicationIngredientComponent ingredient : medication.getIngredient()) {
        if (ingredient.getItem() instanceof CodeableConcept cc) {
          add(cc);
        } else if (ingredient.getItem() instanceof Reference r && r.hasDisplay()) {
          names.add(r.getDisplay());
        }
      }
      if (medication.hasForm()) {
        // The dose form feeds route detection ("nasal spray"), not drug matching.
        formNames.add(medication.getForm().getText());
        medication.getForm().getCoding().forEach(c -> formNames.add(c.getDisplay()));
      }
    }

    List<String> routeHints() {
      List<String> hints = new ArrayList<>(formNames);
      hints.addAll(names);
      return hints;
    }
  }

  /**
   * A Bundle's resources by relative reference ({@code Medication/123}) and by full URL: what a
   * mapper resolves references against.
   */
  public static Map<String, Resource> index(Bundle bundle) {
    Map<String, Resource> index = new HashMap<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      if (resource == null) {
        continue;
      }
      if (resource.hasIdElement() && resource.getIdElement().hasIdPart()) {
        index.put(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
      }
      if (entry.hasFullUrl()) {
        index.put(entry.getFullUrl(), resource);
      }
    }
    return index;
  }
}
