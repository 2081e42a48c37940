package org.ketaminecds.cds.fuzz;

import static org.ketaminecds.cds.fuzz.FuzzedJson.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The valid requests the structured fuzz targets start from, in a fixed order (a corpus input picks
 * one by its position): the README's example order, the compose stack's four example orders with
 * their seed patients' records as prefetch, an order-select call, and the medication shapes EHRs
 * send (contained and included Medications, statements, ended courses, blood pressure in kPa), plus
 * feedback bodies. All are real request shapes; all are answered 200 as they stand.
 */
public final class FuzzSeeds {

  private static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";

  private static List<JsonNode> hookBodies;

  private FuzzSeeds() {}

  /** order-sign and order-select bodies; each names its hook in {@code hook}. */
  public static synchronized List<JsonNode> hookBodies() {
    if (hookBodies == null) {
      hookBodies = List.copyOf(buildHookBodies());
    }
    return hookBodies;
  }

  /** Feedback bodies: an accepted suggestion, an override with a reason and a comment. */
  public static List<JsonNode> feedbackBodies() {
    return List.of(
        json(
            """
            {"feedback": [{"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "accepted",
              "acceptedSuggestions": [{"id": "cancel-ketamine-draft-1"}],
              "outcomeTimestamp": "2024-05-01T10:00:00Z"}]}
            """),
        json(
            """
            {"feedback": [{"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "overridden",
              "overrideReason": {"reason": {"code": "patient-monitored",
                "system": "https://ketamine-cds.example.org/fhir/CodeSystem/override-reason",
                "display": "Patient will be monitored"},
                "userComment": "MAOI stopped three weeks ago"},
              "outcomeTimestamp": "2024-05-01T10:00:00+02:00"}]}
            """));
  }

  private static List<JsonNode> buildHookBodies() {
    List<JsonNode> bodies = new ArrayList<>();
    ObjectNode readme = (ObjectNode) read(root().resolve("docs/examples/order-sign-maoi.json"));
    bodies.add(readme);
    for (String seed :
        List.of("seed-maoi", "seed-tca-older", "seed-snri-hypertension", "seed-benzo-opioid")) {
      bodies.add(
          withPrefetchFrom(
              (ObjectNode) read(root().resolve("docker/examples/order-sign-" + seed + ".json")),
              read(root().resolve("docker/seed/" + seed + ".json"))));
    }
    ObjectNode select = readme.deepCopy();
    select.put("hook", "order-select");
    ((ObjectNode) select.get("context"))
        .putArray("selections")
        .add("MedicationRequest/ketamine-draft-1");
    bodies.add(select);

    // Esketamine nasal spray by a contained Medication; the record references an included one.
    ObjectNode shapes = readme.deepCopy();
    ObjectNode draft = (ObjectNode) shapes.at("/context/draftOrders/entry/0/resource");
    draft.remove("medicationCodeableConcept");
    draft.remove("dosageInstruction");
    draft.putObject("medicationReference").put("reference", "#spravato");
    draft
        .putArray("contained")
        .add(
            json(
                """
                {"resourceType": "Medication", "id": "spravato",
                 "code": {"coding": [{"system": "%s", "code": "2120590"}],
                          "text": "Spravato 28 mg nasal spray"},
                 "form": {"text": "nasal spray"}}
                """
                    .formatted(RXNORM)));
    shapes.set(
        "prefetch",
        json(
            """
            {"patient": {"resourceType": "Patient", "id": "example-patient", "birthDate": "1950"},
             "medicationRequests": {"resourceType": "Bundle", "type": "searchset", "entry": [
               {"fullUrl": "https://ehr.example.org/fhir/MedicationRequest/r1",
                "resource": {"resourceType": "MedicationRequest", "id": "r1", "status": "stopped",
                  "intent": "order", "meta": {"lastUpdated": "2024-04-20T08:00:00Z"},
                  "medicationReference": {"reference": "Medication/tranyl"},
                  "subject": {"reference": "Patient/example-patient"}}},
               {"fullUrl": "https://ehr.example.org/fhir/Medication/tranyl", "search": {"mode": "include"},
                "resource": {"resourceType": "Medication", "id": "tranyl",
                  "ingredient": [{"itemCodeableConcept": {"coding": [
                    {"system": "%1$s", "code": "10734", "display": "tranylcypromine"}]}}]}},
               {"resource": {"resourceType": "MedicationRequest", "id": "r2", "status": "active",
                  "intent": "order", "authoredOn": "2024-01-01",
                  "medicationCodeableConcept": {"text": "Sertraline 50 mg tablet"},
                  "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod":
                    {"start": "2024-01-01", "end": "2030-01-01"}}}}],
                  "subject": {"reference": "Patient/example-patient"}}}]},
             "medicationStatements": {"resourceType": "Bundle", "type": "searchset", "entry": [
               {"resource": {"resourceType": "MedicationStatement", "id": "s1", "status": "active",
                  "medicationCodeableConcept": {"text": "St John's wort 300 mg capsule"},
                  "effectivePeriod": {"start": "2024-03-01"},
                  "subject": {"reference": "Patient/example-patient"}}}]},
             "conditions": {"resourceType": "Bundle", "type": "searchset", "entry": [
               {"resource": {"resourceType": "Condition", "id": "c1",
                  "clinicalStatus": {"coding": [{"system":
                    "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                  "verificationStatus": {"coding": [{"system":
                    "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
                  "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003",
                    "display": "Hypertensive disorder"}]},
                  "subject": {"reference": "Patient/example-patient"}}}]},
             "bloodPressure": {"resourceType": "Bundle", "type": "searchset", "entry": [
               {"resource": {"resourceType": "Observation", "id": "bp1", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
                  "effectiveDateTime": "2024-04-30T09:00:00Z",
                  "component": [
                    {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
                     "valueQuantity": {"value": 25.3, "unit": "kPa", "code": "kPa"}},
                    {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
                     "valueQuantity": {"value": 97, "unit": "mmHg", "code": "mm[Hg]"}}],
                  "subject": {"reference": "Patient/example-patient"}}}]}}
            """
                .formatted(RXNORM)));
    bodies.add(shapes);

    // Another drug's order, with an EHR token and a FHIR server the service may not ask: answered
    // at once with no cards, nothing read.
    ObjectNode other = readme.deepCopy();
    other.remove("prefetch");
    ObjectNode otherDraft = (ObjectNode) other.at("/context/draftOrders/entry/0/resource");
    otherDraft.set(
        "medicationCodeableConcept",
        json(
            """
            {"coding": [{"system": "%s", "code": "36437", "display": "sertraline"}]}
            """
                .formatted(RXNORM)));
    other.put("fhirServer", "https://ehr.example.org/fhir");
    ObjectNode auth = other.putObject("fhirAuthorization");
    auth.put("access_token", "opaque-token");
    auth.put("token_type", "Bearer");
    auth.put("expires_in", 300);
    auth.put("scope", "patient/*.read");
    auth.put("subject", "cds-service");
    other.set(
        "extension",
        json(
            """
            {"pddi-configuration-items": {"cache-for-order-sign-filtering": true,
              "filter-out-repeated-alerts": true, "suppress-overridden-alerts": true}}
            """));
    bodies.add(other);
    return bodies;
  }

  /**
   * The compose stack's example order with the seed patient's record as prefetch, instead of the
   * {@code fhirServer} it names (the fuzz tests read nothing from a FHIR server).
   */
  private static JsonNode withPrefetchFrom(ObjectNode order, JsonNode seedBundle) {
    order.remove("fhirServer");
    ObjectNode prefetch = order.putObject("prefetch");
    prefetch.putNull("patient");
    ArrayNode requests = searchset(prefetch, "medicationRequests");
    ArrayNode statements = searchset(prefetch, "medicationStatements");
    ArrayNode conditions = searchset(prefetch, "conditions");
    ArrayNode observations = searchset(prefetch, "bloodPressure");
    for (JsonNode entry : seedBundle.get("entry")) {
      JsonNode resource = entry.get("resource");
      switch (resource.get("resourceType").asText()) {
        case "Patient" -> prefetch.set("patient", resource);
        case "MedicationRequest" -> requests.addObject().set("resource", resource);
        case "MedicationStatement" -> statements.addObject().set("resource", resource);
        case "Condition" -> conditions.addObject().set("resource", resource);
        case "Observation" -> observations.addObject().set("resource", resource);
        default -> throw new IllegalStateException("unexpected seed resource " + resource);
      }
    }
    return order;
  }

  private static ArrayNode searchset(ObjectNode prefetch, String key) {
    ObjectNode bundle = prefetch.putObject(key);
    bundle.put("resourceType", "Bundle");
    bundle.put("type", "searchset");
    return bundle.putArray("entry");
  }

  /** The repository root: the nearest directory upwards with the Maven wrapper and docs/. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("docs"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
