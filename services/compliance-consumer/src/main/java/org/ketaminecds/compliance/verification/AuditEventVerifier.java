package org.ketaminecds.compliance.verification;

import static org.ketaminecds.compliance.verification.InvalidAuditEventException.invalid;
import static org.ketaminecds.compliance.verification.InvalidAuditEventException.missing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityDetailComponent;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * Checks one Kafka record against the audit-event contract (docs/audit-event.md): the CloudEvents
 * headers, a strict FHIR R4 parse with HAPI, and the elements the profile requires for an
 * invocation or a feedback event. Thread-safe.
 */
@Component
public class AuditEventVerifier {

  public static final String PROFILE =
      "https://ketamine-cds.example.org/fhir/StructureDefinition/cds-hooks-audit-event";
  public static final String KCDS = "https://ketamine-cds.example.org/fhir/CodeSystem/audit";
  static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  static final String PARTICIPATION_TYPE =
      "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
  static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  static final String FHIR_JSON = "application/fhir+json";

  private static final Set<String> INDICATORS = Set.of("info", "warning", "critical");
  private static final Set<String> FEEDBACK_OUTCOMES = Set.of("accepted", "overridden");
  private static final Set<String> INVOCATION_OUTCOMES = Set.of("0", "4", "8");
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final Pattern HAPI_CODE = Pattern.compile("HAPI-\\d+");
  private static final Pattern NON_NEGATIVE_INTEGER = Pattern.compile("\\d{1,12}");
  // Identifiers are indexed and compared; bounding them keeps a hostile value from becoming a
  // record the store can never accept.
  private static final int MAX_IDENTIFIER = 256;
  private static final int MAX_TEXT = 2048;

  private final FhirContext fhir = FhirContext.forR4Cached();
  private final ObjectMapper json = new ObjectMapper();

  /**
   * @param headers the record's headers by name, decoded as UTF-8 (last value wins)
   * @param value the record's value
   * @throws InvalidAuditEventException when the record breaks the contract
   */
  public VerifiedEvent verify(Map<String, String> headers, byte[] value) {
    Envelope envelope = envelope(headers);
    String text = utf8(value);
    AuditEvent event = parse(text);
    common(event, envelope);
    closedSlicing(event, envelope.type().equals(Invocation.TYPE));
    Optional<Client> client = client(event);
    Optional<String> patient = patient(event);
    return switch (envelope.type()) {
      case Invocation.TYPE -> invocation(event, envelope, client, patient, text);
      case Feedback.TYPE -> feedback(event, envelope, client, patient, text);
      default -> throw new IllegalStateException("type checked in envelope()");
    };
  }

  private record Envelope(String id, String type, String source, Optional<Instant> time) {}

  private static Envelope envelope(Map<String, String> headers) {
    String specVersion = header(headers, "ce_specversion");
    if (!specVersion.equals("1.0")) {
      throw badHeader("ce_specversion", "must be 1.0");
    }
    String id = header(headers, "ce_id");
    if (!FHIR_ID.matcher(id).matches()) {
      throw badHeader("ce_id", "must be a FHIR id (1 to 64 letters, digits, '-' or '.')");
    }
    String type = header(headers, "ce_type");
    if (!type.equals(Invocation.TYPE) && !type.equals(Feedback.TYPE)) {
      throw badHeader("ce_type", "must be " + Invocation.TYPE + " or " + Feedback.TYPE);
    }
    String source = header(headers, "ce_source");
    if (source.length() > MAX_TEXT) {
      throw badHeader("ce_source", "is too long");
    }
    Optional<Instant> time = Optional.empty();
    String timeHeader = headers.get("ce_time");
    if (timeHeader != null) {
      try {
        time = Optional.of(OffsetDateTime.parse(timeHeader).toInstant());
      } catch (DateTimeParseException e) {
        throw badHeader("ce_time", "must be an RFC 3339 date-time");
      }
    }
    String contentType = header(headers, "content-type");
    int parameters = contentType.indexOf(';');
    String mediaType = parameters < 0 ? contentType : contentType.substring(0, parameters);
    if (!mediaType.strip().toLowerCase(Locale.ROOT).equals(FHIR_JSON)) {
      throw badHeader("content-type", "must be " + FHIR_JSON);
    }
    return new Envelope(id, type, source, time);
  }

  private static String header(Map<String, String> headers, String name) {
    String value = headers.get(name);
    if (value == null || value.isBlank()) {
      throw new InvalidAuditEventException(
          RejectionReason.MISSING_HEADER, "missing header " + name);
    }
    return value;
  }

  private static InvalidAuditEventException badHeader(String name, String expectation) {
    return new InvalidAuditEventException(
        RejectionReason.INVALID_HEADER, "header " + name + " " + expectation);
  }

  private static String utf8(byte[] value) {
    if (value == null || value.length == 0) {
      throw new InvalidAuditEventException(RejectionReason.UNREADABLE, "value is empty");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidAuditEventException(RejectionReason.UNREADABLE, "value is not UTF-8");
    }
  }

  private AuditEvent parse(String text) {
    JsonNode tree;
    try {
      tree = json.readTree(text);
    } catch (JsonProcessingException e) {
      var location = e.getLocation();
      String where =
          location == null
              ? ""
              : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
      throw new InvalidAuditEventException(RejectionReason.UNREADABLE, "value is not JSON" + where);
    }
    if (tree == null || !tree.isObject()) {
      throw new InvalidAuditEventException(
          RejectionReason.UNREADABLE, "value is not a JSON object");
    }
    JsonNode resourceType = tree.get("resourceType");
    if (resourceType == null || !resourceType.asText().equals("AuditEvent")) {
      throw new InvalidAuditEventException(
          RejectionReason.INVALID_FHIR, "resourceType must be AuditEvent");
    }
    IParser parser = fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    try {
      return parser.parseResource(AuditEvent.class, text);
    } catch (RuntimeException e) {
      // HAPI's message may quote the offending value; pass on only its stable code.
      Matcher code = HAPI_CODE.matcher(String.valueOf(e.getMessage()));
      throw new InvalidAuditEventException(
          RejectionReason.INVALID_FHIR,
          "value is not a valid FHIR R4 AuditEvent"
              + (code.find() ? " (" + code.group() + ")" : ""));
    }
  }

  private static void common(AuditEvent event, Envelope envelope) {
    String id = event.getIdElement().getIdPart();
    if (id == null) {
      throw missing("AuditEvent.id");
    }
    if (!id.equals(envelope.id())) {
      throw invalid("AuditEvent.id", "must equal header ce_id");
    }
    if (event.getMeta().getProfile().stream()
        .map(CanonicalType::getValue)
        .noneMatch(PROFILE::equals)) {
      throw invalid("AuditEvent.meta.profile", "must name " + PROFILE);
    }
    if (!event.hasType()) {
      throw missing("AuditEvent.type");
    }
    if (!is(event.getType(), AUDIT_EVENT_TYPE, "rest")) {
      throw invalid("AuditEvent.type", "must be " + AUDIT_EVENT_TYPE + "#rest");
    }
    boolean invocation = envelope.type().equals(Invocation.TYPE);
    String subtype = invocation ? "cds-hooks-invocation" : "cds-hooks-feedback";
    if (!event.hasSubtype()) {
      throw missing("AuditEvent.subtype");
    }
    if (event.getSubtype().stream().noneMatch(coding -> is(coding, KCDS, subtype))) {
      throw invalid("AuditEvent.subtype", "must hold " + KCDS + "#" + subtype + " for its ce_type");
    }
    AuditEventAction action = invocation ? AuditEventAction.E : AuditEventAction.C;
    if (!event.hasAction()) {
      throw missing("AuditEvent.action");
    }
    if (event.getAction() != action) {
      throw invalid("AuditEvent.action", "must be " + action.toCode() + " for its ce_type");
    }
    if (event.getRecorded() == null) {
      throw missing("AuditEvent.recorded");
    }
    Instant recorded = event.getRecorded().toInstant();
    if (envelope.time().isPresent()
        && !envelope.time().get().truncatedTo(ChronoUnit.MILLIS).equals(recorded)) {
      throw badHeader("ce_time", "must be the instant of AuditEvent.recorded");
    }
    if (!event.hasOutcome()) {
      throw missing("AuditEvent.outcome");
    }
    if (!event.getSource().hasObserver()) {
      throw missing("AuditEvent.source.observer");
    }
  }

  /**
   * The profile slices {@code agent} and {@code entity} closed: each must be of a kind the contract
   * lists for this event type, and the service agent is always there.
   */
  private static void closedSlicing(AuditEvent event, boolean invocation) {
    int services = 0;
    for (AuditEventAgentComponent agent : event.getAgent()) {
      if (has(agent.getType(), DCM, "110152")) {
        services++;
      } else if (has(agent.getType(), PARTICIPATION_TYPE, "AUT")) {
        if (!invocation) {
          throw invalid("AuditEvent.agent[user]", "must be absent from feedback");
        }
      } else if (!has(agent.getType(), DCM, "110150")) {
        throw invalid("AuditEvent.agent", "must be the user, the client or the service");
      }
    }
    if (services == 0) {
      throw missing("AuditEvent.agent[service]");
    }
    if (services > 1) {
      throw invalid("AuditEvent.agent[service]", "must occur once");
    }
    for (AuditEventEntityComponent entity : event.getEntity()) {
      Coding type = entity.getType();
      boolean allowed =
          is(type, ENTITY_TYPE, "1")
              || (invocation
                  ? is(type, ENTITY_TYPE, "2")
                      || is(type, KCDS, "hook-instance")
                      || is(type, KCDS, "card")
                  : is(type, KCDS, "feedback"));
      if (!allowed) {
        throw invalid(
            "AuditEvent.entity",
            invocation
                ? "must be the patient, an order, the hook call or a card"
                : "must be the patient or the feedback item");
      }
    }
  }

  private static Invocation invocation(
      AuditEvent event,
      Envelope envelope,
      Optional<Client> client,
      Optional<String> patient,
      String text) {
    String outcome = event.getOutcome().toCode();
    if (!INVOCATION_OUTCOMES.contains(outcome)) {
      throw invalid("AuditEvent.outcome", "must be 0, 4 or 8 for an invocation");
    }
    Optional<String> outcomeDesc = optionalText("AuditEvent.outcomeDesc", event.getOutcomeDesc());
    if (outcome.equals("4") && outcomeDesc.isEmpty()) {
      throw missing("AuditEvent.outcomeDesc (the error code of a refused call)");
    }
    boolean answered = outcome.equals("0");

    String callPath = "AuditEvent.entity[hook-instance]";
    AuditEventEntityComponent call = exactlyOne(event, KCDS, "hook-instance", callPath);
    Map<String, List<String>> details = details(call, callPath);
    String service =
        identifier(callPath + ".detail[service]", single(details, "service", callPath));
    Optional<String> hook = single(details, "hook", callPath);
    if (answered && hook.isEmpty()) {
      throw missing(callPath + ".detail[hook]");
    }
    hook.ifPresent(value -> identifier(callPath + ".detail[hook]", Optional.of(value)));
    Optional<String> endpoint = single(details, "endpoint", callPath);
    if (endpoint.isPresent() && (!endpoint.get().equals("feedback") || answered)) {
      throw invalid(
          callPath + ".detail[endpoint]", "must be 'feedback', and only on a refused call");
    }
    Optional<String> hookInstance =
        optionalIdentifier(callPath + ".what.identifier.value", call.getWhat().getIdentifier());
    if (answered && hookInstance.isEmpty()) {
      throw missing(callPath + ".what.identifier.value");
    }
    String rulePackVersion =
        identifier(
            callPath + ".detail[rulePackVersion]", single(details, "rulePackVersion", callPath));
    String milliseconds =
        single(details, "processingTimeMs", callPath)
            .orElseThrow(() -> missing(callPath + ".detail[processingTimeMs]"));
    if (!NON_NEGATIVE_INTEGER.matcher(milliseconds).matches()) {
      throw invalid(callPath + ".detail[processingTimeMs]", "must be a non-negative integer");
    }

    List<CardShown> cards = new ArrayList<>();
    Set<String> uuids = new HashSet<>();
    for (AuditEventEntityComponent card : entities(event, KCDS, "card")) {
      String cardPath = "AuditEvent.entity[card]";
      String uuid =
          optionalIdentifier(cardPath + ".what.identifier.value", card.getWhat().getIdentifier())
              .orElseThrow(() -> missing(cardPath + ".what.identifier.value"));
      if (!uuids.add(uuid)) {
        throw invalid(cardPath + ".what.identifier.value", "must differ between cards");
      }
      Map<String, List<String>> cardDetails = details(card, cardPath);
      String ruleId =
          identifier(cardPath + ".detail[ruleId]", single(cardDetails, "ruleId", cardPath));
      String indicator =
          identifier(cardPath + ".detail[indicator]", single(cardDetails, "indicator", cardPath));
      if (!INDICATORS.contains(indicator)) {
        throw invalid(cardPath + ".detail[indicator]", "must be info, warning or critical");
      }
      cards.add(new CardShown(uuid, ruleId, indicator));
    }

    return new Invocation(
        envelope.id(),
        event.getRecorded().toInstant(),
        envelope.source(),
        outcome,
        outcomeDesc,
        service,
        hook,
        hookInstance,
        user(event),
        client,
        patient,
        Optional.of(rulePackVersion),
        Long.parseLong(milliseconds),
        cards,
        endpoint.isPresent(),
        text);
  }

  private static Feedback feedback(
      AuditEvent event,
      Envelope envelope,
      Optional<Client> client,
      Optional<String> patient,
      String text) {
    if (!event.getOutcome().toCode().equals("0")) {
      throw invalid("AuditEvent.outcome", "must be 0 for feedback");
    }
    String path = "AuditEvent.entity[feedback]";
    AuditEventEntityComponent item = exactlyOne(event, KCDS, "feedback", path);
    Map<String, List<String>> details = details(item, path);
    String service = identifier(path + ".detail[service]", single(details, "service", path));
    String card = identifier(path + ".detail[card]", single(details, "card", path));
    String outcome = identifier(path + ".detail[outcome]", single(details, "outcome", path));
    if (!FEEDBACK_OUTCOMES.contains(outcome)) {
      throw invalid(path + ".detail[outcome]", "must be accepted or overridden");
    }
    List<String> suggestions = new ArrayList<>();
    for (String suggestion : details.getOrDefault("acceptedSuggestion", List.of())) {
      suggestions.add(identifier(path + ".detail[acceptedSuggestion]", Optional.of(suggestion)));
    }
    Optional<String> reasonSystem =
        bounded(
            path + ".detail[overrideReasonSystem]", single(details, "overrideReasonSystem", path));
    Optional<String> reasonCode =
        bounded(path + ".detail[overrideReasonCode]", single(details, "overrideReasonCode", path));
    Optional<String> reasonDisplay =
        bounded(
            path + ".detail[overrideReasonDisplay]",
            single(details, "overrideReasonDisplay", path));
    Optional<OverrideReason> reason =
        reasonSystem.isPresent() || reasonCode.isPresent() || reasonDisplay.isPresent()
            ? Optional.of(new OverrideReason(reasonSystem, reasonCode, reasonDisplay))
            : Optional.empty();
    Optional<Instant> outcomeTimestamp =
        single(details, "outcomeTimestamp", path)
            .map(value -> timestamp(path + ".detail[outcomeTimestamp]", value));
    Optional<String> rulePackVersion =
        bounded(path + ".detail[rulePackVersion]", single(details, "rulePackVersion", path));
    return new Feedback(
        envelope.id(),
        event.getRecorded().toInstant(),
        envelope.source(),
        service,
        card,
        outcome,
        suggestions,
        reason,
        outcomeTimestamp,
        client,
        patient,
        rulePackVersion,
        text);
  }

  private static Optional<Client> client(AuditEvent event) {
    List<AuditEventAgentComponent> clients =
        event.getAgent().stream().filter(agent -> has(agent.getType(), DCM, "110150")).toList();
    if (clients.isEmpty()) {
      return Optional.empty();
    }
    String path = "AuditEvent.agent[client]";
    if (clients.size() > 1) {
      throw invalid(path, "must occur at most once");
    }
    AuditEventAgentComponent agent = clients.get(0);
    Identifier who = agent.getWho().getIdentifier();
    String issuer = text(path + ".who.identifier.system", Optional.ofNullable(who.getSystem()));
    String subject = text(path + ".who.identifier.value", Optional.ofNullable(who.getValue()));
    Optional<String> tenant = bounded(path + ".name", Optional.ofNullable(agent.getName()));
    return Optional.of(new Client(issuer, subject, tenant));
  }

  private static Optional<String> user(AuditEvent event) {
    List<AuditEventAgentComponent> users =
        event.getAgent().stream()
            .filter(agent -> has(agent.getType(), PARTICIPATION_TYPE, "AUT"))
            .toList();
    if (users.isEmpty()) {
      return Optional.empty();
    }
    String path = "AuditEvent.agent[user]";
    if (users.size() > 1) {
      throw invalid(path, "must occur at most once");
    }
    return Optional.of(
        text(path + ".who.reference", Optional.ofNullable(users.get(0).getWho().getReference())));
  }

  private static Optional<String> patient(AuditEvent event) {
    List<AuditEventEntityComponent> patients = entities(event, ENTITY_TYPE, "1");
    if (patients.isEmpty()) {
      return Optional.empty();
    }
    String path = "AuditEvent.entity[patient]";
    if (patients.size() > 1) {
      throw invalid(path, "must occur at most once");
    }
    Reference what = patients.get(0).getWhat();
    if (what.hasReference()) {
      return Optional.of(text(path + ".what.reference", Optional.of(what.getReference())));
    }
    Identifier identifier = what.getIdentifier();
    if (identifier.hasValue()) {
      String system = identifier.hasSystem() ? identifier.getSystem() + "|" : "";
      return Optional.of(
          text(path + ".what.identifier", Optional.of(system + identifier.getValue())));
    }
    throw missing(path + ".what");
  }

  private static AuditEventEntityComponent exactlyOne(
      AuditEvent event, String system, String code, String path) {
    List<AuditEventEntityComponent> found = entities(event, system, code);
    if (found.isEmpty()) {
      throw missing(path);
    }
    if (found.size() > 1) {
      throw invalid(path, "must occur once");
    }
    return found.get(0);
  }

  private static List<AuditEventEntityComponent> entities(
      AuditEvent event, String system, String code) {
    return event.getEntity().stream().filter(entity -> is(entity.getType(), system, code)).toList();
  }

  /** The entity's details by type, in order; every value must be a valueString. */
  private static Map<String, List<String>> details(AuditEventEntityComponent entity, String path) {
    Map<String, List<String>> details = new LinkedHashMap<>();
    for (AuditEventEntityDetailComponent detail : entity.getDetail()) {
      if (!detail.hasType()) {
        throw missing(path + ".detail.type");
      }
      if (!(detail.getValue() instanceof StringType value) || !value.hasValue()) {
        throw invalid(path + ".detail[" + detail.getType() + "]", "must have a valueString");
      }
      details.computeIfAbsent(detail.getType(), type -> new ArrayList<>()).add(value.getValue());
    }
    return details;
  }

  private static Optional<String> single(
      Map<String, List<String>> details, String type, String path) {
    List<String> values = details.getOrDefault(type, List.of());
    if (values.size() > 1) {
      throw invalid(path + ".detail[" + type + "]", "must occur at most once");
    }
    return values.stream().findFirst();
  }

  private static Instant timestamp(String path, String value) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw invalid(path, "must be an ISO 8601 date-time with offset");
    }
  }

  private static String identifier(String path, Optional<String> value) {
    String present = value.filter(v -> !v.isBlank()).orElseThrow(() -> missing(path));
    if (present.length() > MAX_IDENTIFIER) {
      throw invalid(path, "must be at most " + MAX_IDENTIFIER + " characters");
    }
    return present;
  }

  private static Optional<String> optionalIdentifier(String path, Identifier identifier) {
    return identifier.hasValue()
        ? Optional.of(identifier(path, Optional.of(identifier.getValue())))
        : Optional.empty();
  }

  private static String text(String path, Optional<String> value) {
    return bounded(path, value.filter(v -> !v.isBlank())).orElseThrow(() -> missing(path));
  }

  private static Optional<String> optionalText(String path, String value) {
    return bounded(path, Optional.ofNullable(value));
  }

  private static Optional<String> bounded(String path, Optional<String> value) {
    Optional<String> present = value.filter(v -> !v.isBlank());
    if (present.isPresent() && present.get().length() > MAX_TEXT) {
      throw invalid(path, "must be at most " + MAX_TEXT + " characters");
    }
    return present;
  }

  private static boolean has(CodeableConcept concept, String system, String code) {
    return concept.getCoding().stream().anyMatch(coding -> is(coding, system, code));
  }

  private static boolean is(Coding coding, String system, String code) {
    return system.equals(coding.getSystem()) && code.equals(coding.getCode());
  }
}
