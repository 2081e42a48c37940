package org.ketaminecds.cds.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.UUID;

/** Builds CDS Hooks request bodies the way an EHR sends them, for tests. */
public final class HookRequests {

  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";

  private final ObjectNode body = JSON.createObjectNode();

  private HookRequests(String hook, String patientId) {
    body.put("hook", hook);
    body.put("hookInstance", UUID.randomUUID().toString());
    ObjectNode context = body.putObject("context");
    context.put("userId", "Practitioner/test-prescriber");
    context.put("patientId", patientId);
    ObjectNode bundle = context.putObject("draftOrders");
    bundle.put("resourceType", "Bundle");
    bundle.put("type", "collection");
    bundle.putArray("entry");
    if (hook.equals("order-select")) {
      context.putArray("selections");
    }
  }

  public static HookRequests orderSign(String patientId) {
    return new HookRequests("order-sign", patientId);
  }

  public static HookRequests orderSelect(String patientId) {
    return new HookRequests("order-select", patientId);
  }

  /** A draft MedicationRequest coded with one RxNorm code. */
  public HookRequests draft(String id, String rxnorm, String text) {
    ((ArrayNode) body.at("/context/draftOrders/entry"))
        .addObject()
        .set("resource", medicationRequest(id, "draft", rxnorm, text, null));
    return this;
  }

  public HookRequests select(String reference) {
    ((ArrayNode) body.at("/context/selections")).add(reference);
    return this;
  }

  /** Sets a prefetch key to a searchset Bundle of these resources. */
  public HookRequests prefetchBundle(String key, JsonNode... resources) {
    ObjectNode bundle = prefetch().putObject(key);
    bundle.put("resourceType", "Bundle");
    bundle.put("type", "searchset");
    ArrayNode entries = bundle.putArray("entry");
    for (JsonNode r : resources) {
      entries.addObject().set("resource", r);
    }
    return this;
  }

  public HookRequests prefetch(String key, JsonNode value) {
    prefetch().set(key, value);
    return this;
  }

  /** Declares every prefetch key except those given as "no such data" (JSON null). */
  public HookRequests nullPrefetchExcept(String... keys) {
    java.util.Set<String> keep = java.util.Set.of(keys);
    for (String key :
        new String[] {
          "patient", "medicationRequests", "medicationStatements", "conditions", "bloodPressure"
        }) {
      if (!keep.contains(key) && !prefetch().has(key)) {
        prefetch().putNull(key);
      }
    }
    return this;
  }

  public HookRequests fhirServer(String url, String token) {
    body.put("fhirServer", url);
    if (token != null) {
      ObjectNode auth = body.putObject("fhirAuthorization");
      auth.put("access_token", token);
      auth.put("token_type", "Bearer");
      auth.put("expires_in", 300);
      auth.put("scope", "patient/*.read");
      auth.put("subject", "cds-service");
    }
    return this;
  }

  /** An independent copy, to vary one request several ways. */
  public HookRequests copy() {
    HookRequests copy = new HookRequests(body.get("hook").asText(), "");
    copy.body.removeAll();
    copy.body.setAll(body.deepCopy());
    return copy;
  }

  public ObjectNode json() {
    return body;
  }

  public String build() {
    return body.toString();
  }

  private ObjectNode prefetch() {
    if (!body.has("prefetch")) {
      body.putObject("prefetch");
    }
    return (ObjectNode) body.get("prefetch");
  }

  /** A MedicationRequest coded with one RxNorm code; {@code patientId} may be null. */
  public static ObjectNode medicationRequest(
      String id, String status, String rxnorm, String text, String patientId) {
    ObjectNode r = JSON.createObjectNode();
    r.put("resourceType", "MedicationRequest");
    r.put("id", id);
    r.put("status", status);
    r.put("intent", "order");
    ObjectNode concept = r.putObject("medicationCodeableConcept");
    ObjectNode coding = concept.putArray("coding").addObject();
    coding.put("system", RXNORM);
    coding.put("code", rxnorm);
    concept.put("text", text);
    if (patientId != null) {
      r.putObject("subject").put("reference", "Patient/" + patientId);
    }
    return r;
  }

  /** A JSON object from text with {@code '} for {@code "}, to keep tables of resources readable. */
  public static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  public static ObjectNode patient(String id, String birthDate) {
    ObjectNode p = JSON.createObjectNode();
    p.put("resourceType", "Patient");
    p.put("id", id);
    p.put("birthDate", birthDate);
    return p;
  }
}
