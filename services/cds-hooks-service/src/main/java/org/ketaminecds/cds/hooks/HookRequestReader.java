package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.ketaminecds.cds.discovery.CdsService;
import org.ketaminecds.cds.discovery.Hook;
import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.errors.ErrorCode;
import org.ketaminecds.cds.fhir.FhirJson;
import org.ketaminecds.cds.fhir.PatientMatch;
import org.springframework.stereotype.Component;

/**
 * Reads a CDS Hooks 2.0 request body into a {@link HookRequest}, refusing with a 400 that names the
 * field when anything required is missing or of the wrong type.
 */
@Component
class HookRequestReader {

  private static final int MAX_ID_LENGTH = 1024;

  /**
   * An access token or a scope list: a JWT access token, or a SMART v2 scope list, is often over a
   * kilobyte; the body's size limit bounds them anyway.
   */
  private static final int MAX_TOKEN_LENGTH = 64 * 1024;

  /**
   * FHIR's id characters. Not its 64-character limit: some EHRs' ids are longer, and they are
   * harmless.
   */
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9.-]+");

  private final FhirJson fhir;

  HookRequestReader(FhirJson fhir) {
    this.fhir = fhir;
  }

  HookRequest read(CdsService service, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new CdsException(ErrorCode.MALFORMED_JSON, "request body must be a JSON object");
    }
    String hook = text(body, "hook");
    if (!hook.equals(service.hook())) {
      throw new CdsException(
          ErrorCode.HOOK_MISMATCH,
          "service '"
              + service.id()
              + "' answers hook '"
              + service.hook()
              + "', not '"
              + hook
              + "'");
    }
    String hookInstance = text(body, "hookInstance");
    Optional<String> fhirServer = optionalText(body, "fhirServer").map(this::fhirServer);
    Optional<FhirAuthorization> authorization = authorization(body.get("fhirAuthorization"));
    if (authorization.isPresent() && fhirServer.isEmpty()) {
      throw new CdsException(
          ErrorCode.MISSING_FIELD, "'fhirServer' is required when 'fhirAuthorization' is given");
    }
    JsonNode context = body.get("context");
    if (context == null || context.isNull()) {
      throw CdsException.missing("context");
    }
    if (!context.isObject()) {
      throw CdsException.invalid("context", "must be an object");
    }
    return new HookRequest(
        service,
        hookInstance,
        fhirServer,
        authorization,
        orderContext(service.hookType(), context),
        prefetch(service, body.get("prefetch")),
        Optional.ofNullable(body.get("extension")).filter(e -> !e.isNull()).map(this::extension));
  }

  private OrderContext orderContext(Hook hook, JsonNode context) {
    String userId = text(context, "userId", "context.userId");
    String patientId = fhirId(text(context, "patientId", "context.patientId"), "context.patientId");
    Optional<String> encounterId =
        optionalText(context, "encounterId", "context.encounterId")
            .map(id -> fhirId(id, "context.encounterId"));
    JsonNode draftOrdersNode = context.get("draftOrders");
    if (draftOrdersNode == null || draftOrdersNode.isNull()) {
      throw CdsException.missing("context.draftOrders");
    }
    Bundle draftOrders = fhir.parse(draftOrdersNode, Bundle.class, "context.draftOrders");
    requireDistinctIds(draftOrders);
    requireThisPatient(draftOrders, patientId);
    List<String> selections = List.of();
    if (hook == Hook.ORDER_SELECT) {
      selections = selections(context.get("selections"), draftOrders);
    }
    return new OrderContext(userId, patientId, encounterId, selections, draftOrders);
  }

  /**
   * Cards name a draft order by type and id (a suggestion to delete it, the audit record); two
   * orders with one name would make those ambiguous.
   */
  private static void requireDistinctIds(Bundle draftOrders) {
    Set<String> seen = new HashSet<>();
    List<Bundle.BundleEntryComponent> entries = draftOrders.getEntry();
    for (int i = 0; i < entries.size(); i++) {
      var resource = entries.get(i).getResource();
      if (resource != null
          && resource.getIdElement().hasIdPart()
          && !seen.add(resource.fhirType() + "/" + resource.getIdElement().getIdPart())) {
        throw CdsException.invalid(
            "context.draftOrders",
            "entry " + i + " has the type and id of an earlier entry: each order needs its own");
      }
    }
  }

  /**
   * An order for another patient, checked as this patient's, would alert or clear the wrong one.
   */
  private static void requireThisPatient(Bundle draftOrders, String patientId) {
    List<Bundle.BundleEntryComponent> entries = draftOrders.getEntry();
    for (int i = 0; i < entries.size(); i++) {
      var resource = entries.get(i).getResource();
      if (resource != null && PatientMatch.ofAnotherPatient(resource, patientId)) {
        throw CdsException.invalid(
            "context.draftOrders", "entry " + i + " is for another patient than context.patientId");
      }
    }
  }

  private static String fhirId(String value, String path) {
    if (!FHIR_ID.matcher(value).matches()) {
      throw CdsException.invalid(path, "must be a FHIR id (letters, digits, '-' and '.')");
    }
    return value;
  }

  private List<String> selections(JsonNode node, Bundle draftOrders) {
    if (node == null || node.isNull()) {
      throw CdsException.missing("context.selections");
    }
    if (!node.isArray()) {
      throw CdsException.invalid("context.selections", "must be an array of resource ids");
    }
    Set<String> known = new HashSet<>();
    for (Bundle.BundleEntryComponent entry : draftOrders.getEntry()) {
      if (entry.hasResource() && entry.getResource().hasIdElement()) {
        var id = entry.getResource().getIdElement();
        known.add(entry.getResource().fhirType() + "/" + id.getIdPart());
      }
    }
    List<String> selections = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode selection = node.get(i);
      String field = "context.selections[" + i + "]";
      if (!selection.isTextual() || selection.asText().isBlank()) {
        throw CdsException.invalid(field, "must be a resource id such as MedicationRequest/123");
      }
      if (!known.contains(selection.asText())) {
        throw CdsException.invalid(field, "names no resource in context.draftOrders");
      }
      selections.add(selection.asText());
    }
    return selections;
  }

  private Optional<FhirAuthorization> authorization(JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw CdsException.invalid("fhirAuthorization", "must be an object");
    }
    String tokenType = text(node, "token_type", "fhirAuthorization.token_type");
    if (!"bearer".equalsIgnoreCase(tokenType)) {
      throw CdsException.invalid("fhirAuthorization.token_type", "must be Bearer");
    }
    JsonNode expiresIn = node.get("expires_in");
    if (expiresIn == null || expiresIn.isNull()) {
      throw CdsException.missing("fhirAuthorization.expires_in");
    }
    if (!expiresIn.isIntegralNumber() || !expiresIn.canConvertToLong() || expiresIn.asLong() < 0) {
      throw CdsException.invalid(
          "fhirAuthorization.expires_in", "must be a whole number of seconds");
    }
    return Optional.of(
        new FhirAuthorization(
            text(node, "access_token", "fhirAuthorization.access_token", MAX_TOKEN_LENGTH),
            tokenType,
            expiresIn.asLong(),
            text(node, "scope", "fhirAuthorization.scope", MAX_TOKEN_LENGTH),
            text(node, "subject", "fhirAuthorization.subject")));
  }

  /**
   * The prefetch keys this service asks for. Any other key is none of its business and is left
   * unread, whatever it holds (the CDS Hooks examples carry {@code "user": "123"}).
   */
  private Map<String, JsonNode> prefetch(CdsService service, JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw CdsException.invalid("prefetch", "must be an object of prefetch keys");
    }
    Map<String, JsonNode> prefetch = new LinkedHashMap<>();
    node.fields()
        .forEachRemaining(
            e -> {
              if (!service.prefetch().containsKey(e.getKey())) {
                return;
              }
              JsonNode value = e.getValue();
              if (!value.isNull() && !value.isObject()) {
                throw CdsException.invalid(
                    "prefetch." + e.getKey(), "must be a FHIR resource or null");
              }
              prefetch.put(e.getKey(), value);
            });
    return prefetch;
  }

  private JsonNode extension(JsonNode node) {
    if (!node.isObject()) {
      throw CdsException.invalid("extension", "must be an object");
    }
    return node;
  }

  private String fhirServer(String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri.getHost() == null || !("https".equals(scheme) || "http".equals(scheme))) {
        throw CdsException.invalid("fhirServer", "must be an absolute http(s) URL");
      }
      // Schemes are case-insensitive (RFC 3986, 3.1): HTTPS://ehr.example.org is https.
      String url = scheme + value.substring(scheme.length());
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    } catch (URISyntaxException e) {
      throw CdsException.invalid("fhirServer", "must be an absolute http(s) URL");
    }
  }

  private static String text(JsonNode node, String field) {
    return text(node, field, field);
  }

  private static String text(JsonNode node, String field, String path) {
    return text(node, field, path, MAX_ID_LENGTH);
  }

  private static String text(JsonNode node, String field, String path, int maxLength) {
    return optionalText(node, field, path, maxLength).orElseThrow(() -> CdsException.missing(path));
  }

  private static Optional<String> optionalText(JsonNode node, String field) {
    return optionalText(node, field, field);
  }

  private static Optional<String> optionalText(JsonNode node, String field, String path) {
    return optionalText(node, field, path, MAX_ID_LENGTH);
  }

  private static Optional<String> optionalText(
      JsonNode node, String field, String path, int maxLength) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw CdsException.invalid(path, "must be a string");
    }
    String text = value.asText();
    if (text.isBlank()) {
      throw CdsException.invalid(path, "must not be empty");
    }
    if (text.length() > maxLength) {
      throw CdsException.invalid(path, "is longer than " + maxLength + " characters");
    }
    if (text.codePoints().anyMatch(HookRequestReader::invisible)) {
      throw CdsException.invalid(
          path, "must not contain control, invisible or unpaired surrogate characters");
    }
    return Optional.of(text);
  }

  /**
   * Characters that make an id read as another in the audit trail and in reports (a right-to-left
   * override, a zero-width space), or that are no character at all (a lone surrogate).
   */
  static boolean invisible(int c) {
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.SURROGATE
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }
}
