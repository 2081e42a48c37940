package org.ketaminecds.cds.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.knowledge.KnowledgePack;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;

/**
 * Structure-aware mutation of JSON for the fuzz tests: takes a valid body and, driven by the
 * fuzzer's bytes, replaces, removes, adds, duplicates or re-types its fields with values of any
 * JSON type, with FHIR and CDS Hooks vocabulary (element names, statuses, resource types, dates,
 * the rule pack's own codes) and Unicode edge cases. Every choice is read from the input, so an
 * input always produces the same body: a corpus file is a reproducible test case.
 */
public final class FuzzedJson {

  public static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Element and field names of FHIR R4 (and a few R5/STU3 ones) and CDS Hooks. */
  private static final List<String> KEYS =
      List.of(
          "resourceType",
          "id",
          "status",
          "intent",
          "medicationCodeableConcept",
          "medicationReference",
          "medication",
          "concept",
          "coding",
          "system",
          "code",
          "display",
          "text",
          "reference",
          "contained",
          "entry",
          "resource",
          "fullUrl",
          "type",
          "dosageInstruction",
          "dosage",
          "route",
          "timing",
          "repeat",
          "boundsPeriod",
          "start",
          "end",
          "effectivePeriod",
          "effectiveDateTime",
          "valueQuantity",
          "value",
          "unit",
          "component",
          "birthDate",
          "_birthDate",
          "clinicalStatus",
          "verificationStatus",
          "abatementDateTime",
          "meta",
          "lastUpdated",
          "ingredient",
          "itemCodeableConcept",
          "itemReference",
          "form",
          "subject",
          "authoredOn",
          "dispenseRequest",
          "validityPeriod",
          "dateAsserted",
          "issued",
          "extension",
          "modifierExtension",
          "url",
          "valueString",
          "hook",
          "hookInstance",
          "fhirServer",
          "fhirAuthorization",
          "access_token",
          "token_type",
          "expires_in",
          "context",
          "userId",
          "patientId",
          "encounterId",
          "draftOrders",
          "selections",
          "prefetch",
          "patient",
          "medicationRequests",
          "medicationStatements",
          "conditions",
          "bloodPressure",
          "pddi-configuration-items",
          "filter-out-repeated-alerts",
          "suppress-overridden-alerts",
          "feedback",
          "card",
          "outcome",
          "acceptedSuggestions",
          "overrideReason",
          "reason",
          "userComment",
          "outcomeTimestamp");

  private static final List<String> WORDS =
      List.of(
          "",
          " ",
          "order-sign",
          "order-select",
          "MedicationRequest",
          "MedicationStatement",
          "Medication",
          "Patient",
          "Condition",
          "Observation",
          "Bundle",
          "OperationOutcome",
          "AuditEvent",
          "Parameters",
          "collection",
          "searchset",
          "transaction",
          "active",
          "on-hold",
          "draft",
          "stopped",
          "completed",
          "cancelled",
          "entered-in-error",
          "unknown",
          "intended",
          "not-taken",
          "final",
          "amended",
          "preliminary",
          "refuted",
          "resolved",
          "order",
          "plan",
          "Bearer",
          "accepted",
          "overridden",
          "2024-02-29",
          "2023-02-29",
          "2024",
          "2024-13",
          "0001-01-01",
          "9999-12-31",
          "2024-05-01T10:00:00Z",
          "2024-05-01T10:00:00+14:00",
          "2024-05-01T25:61:00Z",
          "1971-04-02",
          "-2024-01-01",
          "kPa",
          "mm[Hg]",
          "#med",
          "Medication/med-1",
          "MedicationRequest/ketamine-draft-1",
          "Patient/example-patient",
          "urn:uuid:0f5d2d2e-8d61-4a8b-9a69-3c3a4d5e6f70",
          "https://ehr.example.org/fhir",
          "http://127.0.0.1:1/fhir",
          "file:///etc/passwd",
          "ketamine",
          "esketamine",
          "Spravato 28 mg nasal spray",
          "phenelzine",
          "St John's wort",
          "nasal spray",
          "oral",
          "47625008",
          "26643006",
          "85354-9",
          "8480-6",
          "8462-4",
          "\u0000",
          "\uFFFF",
          "\uD83D\uDE00",
          "\u202Eenimatek",
          "ke\u0301tamine",
          "K\u0415TAMINE",
          "1e309",
          "-0",
          "NaN");

  private static final List<String> SYSTEMS =
      List.of(
          Code.RXNORM,
          Code.ATC,
          Code.SNOMED,
          Code.LOINC,
          "http://unitsofmeasure.org",
          "http://terminology.hl7.org/CodeSystem/condition-clinical",
          "http://terminology.hl7.org/CodeSystem/condition-ver-status");

  /** Every code of the rule pack's value sets, in a stable order. */
  private static final List<String> PACK_CODES = packCodes();

  private FuzzedJson() {}

  /** A copy of {@code seed} with up to {@code maxMutations} fuzzed changes. */
  public static JsonNode mutate(JsonNode seed, FuzzedDataProvider data, int maxMutations) {
    ObjectNode holder = NODES.objectNode();
    holder.set("root", seed.deepCopy());
    int mutations = data.consumeInt(0, maxMutations);
    for (int i = 0; i < mutations && data.remainingBytes() > 0; i++) {
      mutateOnce(holder, data);
    }
    JsonNode root = holder.get("root");
    return root == null ? NODES.nullNode() : root;
  }

  /** Any JSON value, at most {@code depth} levels deep (beyond that only scalars). */
  public static JsonNode value(FuzzedDataProvider data, int depth) {
    int kind = data.consumeInt(0, depth > 0 ? 11 : 7);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(data.consumeBoolean());
      case 2 -> NODES.numberNode(data.consumeInt());
      case 3 ->
          data.pickValue(
              List.<JsonNode>of(
                  NODES.numberNode(0),
                  NODES.numberNode(-1),
                  NODES.numberNode(Long.MAX_VALUE),
                  NODES.numberNode(new BigInteger("123456789012345678901234567890")),
                  NODES.numberNode(new BigDecimal("1e308")),
                  NODES.numberNode(1.5),
                  NODES.numberNode(-0.0)));
      case 4 -> NODES.textNode(data.consumeString(64));
      case 5 -> NODES.textNode(word(data));
      case 6 -> NODES.textNode(data.pickValue(PACK_CODES));
      case 7 -> NODES.textNode("x".repeat(data.consumeInt(0, 5000)));
      case 8 -> {
        ArrayNode array = NODES.arrayNode();
        int n = data.consumeInt(0, 3);
        for (int i = 0; i < n; i++) {
          array.add(value(data, depth - 1));
        }
        yield array;
      }
      case 9 -> {
        ObjectNode object = NODES.objectNode();
        int n = data.consumeInt(0, 3);
        for (int i = 0; i < n; i++) {
          object.set(key(data), value(data, depth - 1));
        }
        yield object;
      }
      case 10 -> coding(data);
      default -> nested(data.consumeInt(1, 80), data);
    };
  }

  private static void mutateOnce(ObjectNode holder, FuzzedDataProvider data) {
    List<Slot> slots = new ArrayList<>();
    collect(holder, slots);
    if (slots.isEmpty()) {
      holder.set("root", value(data, 3)); // the whole body was removed: send something else
      return;
    }
    Slot slot = slots.get(data.consumeInt(0, slots.size() - 1));
    JsonNode current = slot.get();
    switch (data.consumeInt(0, 6)) {
      case 0 -> slot.set(value(data, 3));
      case 1 -> slot.set(NODES.textNode(word(data)));
      case 2 -> slot.remove();
      case 3 -> {
        if (current instanceof ObjectNode object) {
          object.set(key(data), value(data, 2));
        } else if (current instanceof ArrayNode array) {
          array.add(array.isEmpty() ? value(data, 2) : array.get(0).deepCopy());
        } else {
          slot.set(value(data, 2));
        }
      }
      case 4 -> slot.set(slots.get(data.consumeInt(0, slots.size() - 1)).get().deepCopy());
      case 5 -> {
        // The same value, of another JSON type: "1" for 1, [x] for x, {"value": x}.
        switch (data.consumeInt(0, 2)) {
          case 0 ->
              slot.set(NODES.textNode(current.isTextual() ? current.asText() : current.toString()));
          case 1 -> slot.set(NODES.arrayNode().add(current.deepCopy()));
          default -> slot.set(NODES.objectNode().set("value", current.deepCopy()));
        }
      }
      default -> {
        if (current.isArray() && current.size() > 1) {
          // Entries duplicated many times over: duplicate ids, large bundles.
          ArrayNode array = (ArrayNode) current;
          JsonNode element = array.get(data.consumeInt(0, array.size() - 1));
          int copies = data.consumeInt(1, 200);
          for (int i = 0; i < copies; i++) {
            array.add(element.deepCopy());
          }
        } else {
          slot.set(NODES.textNode(word(data)));
        }
      }
    }
  }

  private static JsonNode coding(FuzzedDataProvider data) {
    ObjectNode coding = NODES.objectNode();
    coding.put("system", data.pickValue(SYSTEMS));
    coding.put("code", data.pickValue(PACK_CODES));
    if (data.consumeBoolean()) {
      coding.put("display", word(data));
    }
    return coding;
  }

  private static JsonNode nested(int levels, FuzzedDataProvider data) {
    JsonNode node = NODES.textNode(word(data));
    for (int i = 0; i < levels; i++) {
      node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("extension", node);
    }
    return node;
  }

  private static String key(FuzzedDataProvider data) {
    return data.consumeBoolean() ? data.pickValue(KEYS) : data.consumeString(12);
  }

  private static String word(FuzzedDataProvider data) {
    return data.pickValue(WORDS);
  }

  private static void collect(JsonNode node, List<Slot> slots) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        slots.add(new FieldSlot(object, name));
        collect(object.get(name), slots);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        slots.add(new ElementSlot(array, i));
        collect(array.get(i), slots);
      }
    }
  }

  private static List<String> packCodes() {
    KnowledgePack pack = KnowledgePackLoader.fromClasspath().load();
    return pack.terminology().valueSets().stream()
        .sorted(Comparator.comparing(v -> v.info().url()))
        .flatMap(v -> v.concepts().keySet().stream().map(Code::code).sorted())
        .distinct()
        .toList();
  }

  /** A place in the tree that holds a value. */
  private interface Slot {
    JsonNode get();

    void set(JsonNode value);

    void remove();
  }

  private record FieldSlot(ObjectNode parent, String name) implements Slot {
    public JsonNode get() {
      JsonNode value = parent.get(name);
      return value == null ? NODES.nullNode() : value;
    }

    public void set(JsonNode value) {
      parent.set(name, value);
    }

    public void remove() {
      parent.remove(name);
    }
  }

  private record ElementSlot(ArrayNode parent, int index) implements Slot {
    public JsonNode get() {
      return index < parent.size() ? parent.get(index) : NODES.nullNode();
    }

    public void set(JsonNode value) {
      if (index < parent.size()) {
        parent.set(index, value);
      }
    }

    public void remove() {
      if (index < parent.size()) {
        parent.remove(index);
      }
    }
  }
}
