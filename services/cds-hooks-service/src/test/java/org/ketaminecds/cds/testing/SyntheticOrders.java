package org.ketaminecds.cds.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Synthetic CDS Hooks calls shaped like an EHR's, for the load and parsing benchmarks: an
 * order-sign or order-select call with complete prefetch (patient, active MedicationRequests and
 * MedicationStatements coded at product level with RxNorm, active Conditions, blood-pressure
 * panels) and one draft order, either ketamine/esketamine or another drug.
 *
 * <p>Of a patient's medications about one in eight are products from the knowledge pack's own drug
 * class value sets (the VA products of the clinical brief: SSRIs, benzodiazepines, opioids and the
 * like), so a ketamine order finds several interactions; the rest are {@link #UNRELATED common
 * drugs} that no value set holds, which the service matches by code, then by name, and finds
 * nothing. Deterministic for a seed.
 */
public final class SyntheticOrders {

  public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  private static final String SNOMED = "http://snomed.info/sct";
  private static final String LOINC = "http://loinc.org";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A drug product: RxNorm product-level code (SCD/SBD) and its name. */
  public record Product(String rxcui, String name) {}

  /** One call: the service it goes to, whether the draft order is ketamine, the JSON body. */
  public record Call(String serviceId, boolean ketamine, String body) {}

  /**
   * Common drugs outside every value set of the pack (checked by {@code SyntheticOrdersTest}):
   * benchmark data, not clinical content.
   */
  public static final List<Product> UNRELATED =
      List.of(
          new Product("197361", "amlodipine 5 MG Oral Tablet"),
          new Product("314076", "lisinopril 10 MG Oral Tablet"),
          new Product("861007", "metformin hydrochloride 500 MG Oral Tablet"),
          new Product("617310", "atorvastatin 20 MG Oral Tablet"),
          new Product("310798", "hydrochlorothiazide 25 MG Oral Tablet"),
          new Product("309362", "clopidogrel 75 MG Oral Tablet"),
          new Product("855332", "warfarin sodium 5 MG Oral Tablet"),
          new Product("197319", "allopurinol 100 MG Oral Tablet"),
          new Product("310965", "ibuprofen 200 MG Oral Tablet"),
          new Product("313782", "acetaminophen 325 MG Oral Tablet"),
          new Product("198211", "simvastatin 40 MG Oral Tablet"),
          new Product("310429", "furosemide 20 MG Oral Tablet"),
          new Product("243670", "aspirin 81 MG Oral Tablet"));

  /** Drug classes whose products make up a patient's interacting medications. */
  private static final List<String> INTERACTING_CLASSES =
      List.of(
          "ssri",
          "snri",
          "tca",
          "benzodiazepine",
          "opioid",
          "antipsychotic",
          "gabapentinoid",
          "mood-stabilizer",
          "psychostimulant",
          "cyp-inhibitor",
          "other-cns-depressant",
          "lamotrigine");

  private static final String[][] CONDITIONS = {
    {"38341003", "Hypertensive disorder"},
    {"44054006", "Type 2 diabetes mellitus"},
    {"55822004", "Hyperlipidemia"},
    {"279039007", "Low back pain"},
    {"370143000", "Major depressive disorder"},
    {"235595009", "Gastroesophageal reflux disease"},
    {"396275006", "Osteoarthritis"},
    {"195967001", "Asthma"}
  };

  private final List<Product> interacting;
  private final List<Product> ketamine;
  private final List<Product> esketamine;
  private final Random random;

  public SyntheticOrders(long seed) {
    List<Product> products = new ArrayList<>();
    INTERACTING_CLASSES.forEach(c -> products.addAll(products(c)));
    this.interacting = List.copyOf(products);
    this.ketamine = products("ketamine");
    this.esketamine = products("esketamine");
    this.random = new Random(seed);
  }

  /** Product-level codes of the pack's drug-class value sets (those naming their ingredient). */
  public List<Product> interactingProducts() {
    return interacting;
  }

  /**
   * {@code count} calls for patients with {@code medications} active medications each: the given
   * share of them order ketamine or esketamine, the rest another drug; half are order-sign, half
   * order-select.
   */
  public List<Call> calls(int count, int medications, double ketamineShare) {
    List<Call> calls = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      calls.add(call(medications, random.nextDouble() < ketamineShare, i % 2 == 0));
    }
    return calls;
  }

  /** One call for a new synthetic patient. */
  public Call call(int medications, boolean orderKetamine, boolean sign) {
    String patientId = "bench-" + uuid();
    ObjectNode body = JSON.createObjectNode();
    body.put("hook", sign ? "order-sign" : "order-select");
    body.put("hookInstance", uuid());
    ObjectNode context = body.putObject("context");
    context.put("userId", "Practitioner/bench-prescriber-" + random.nextInt(50));
    context.put("patientId", patientId);
    context.put("encounterId", "bench-encounter-" + uuid());
    String draftId = "draft-" + uuid();
    ObjectNode drafts = bundle("collection");
    ((ArrayNode) drafts.get("entry"))
        .addObject()
        .set("resource", draft(draftId, patientId, orderKetamine));
    context.set("draftOrders", drafts);
    if (!sign) {
      context.putArray("selections").add("MedicationRequest/" + draftId);
    }
    ObjectNode prefetch = body.putObject("prefetch");
    prefetch.set("patient", patient(patientId));
    ObjectNode requests = bundle("searchset");
    ObjectNode statements = bundle("searchset");
    for (int i = 0; i < medications; i++) {
      // One in eight from the interacting classes, spread through the list.
      Product product = i % 8 == 3 ? pick(interacting) : pick(UNRELATED);
      if (i % 5 == 4) {
        entry(statements, statement("ms-" + i, patientId, product));
      } else {
        entry(requests, request("mr-" + i, patientId, product));
      }
    }
    prefetch.set("medicationRequests", requests);
    prefetch.set("medicationStatements", statements);
    ObjectNode conditions = bundle("searchset");
    int conditionCount = 2 + random.nextInt(4);
    for (int i = 0; i < conditionCount; i++) {
      entry(conditions, condition("c-" + i, patientId, CONDITIONS[random.nextInt(8)]));
    }
    prefetch.set("conditions", conditions);
    ObjectNode pressure = bundle("searchset");
    for (int i = 0; i < 3; i++) {
      entry(pressure, bloodPressure("bp-" + i, patientId, i));
    }
    prefetch.set("bloodPressure", pressure);
    String service = sign ? "ketamine-order-sign" : "ketamine-order-select";
    return new Call(service, orderKetamine, body.toString());
  }

  private ObjectNode draft(String id, String patientId, boolean orderKetamine) {
    ObjectNode order;
    if (orderKetamine && random.nextInt(4) == 0) {
      order = medicationRequest(id, "draft", patientId, pick(esketamine));
      dosage(order, "56 mg intranasally twice weekly", "46713006", "Nasal route");
    } else if (orderKetamine) {
      order = medicationRequest(id, "draft", patientId, pick(ketamine));
      dosage(order, "0.5 mg/kg IV over 40 minutes", "47625008", "Intravenous route");
    } else {
      Product other = random.nextBoolean() ? pick(UNRELATED) : pick(interacting);
      order = medicationRequest(id, "draft", patientId, other);
      dosage(order, "1 tablet by mouth daily", "26643006", "Oral route");
    }
    return order;
  }

  private ObjectNode request(String id, String patientId, Product product) {
    ObjectNode r = medicationRequest(id, "active", patientId, product);
    r.put("authoredOn", date(400));
    r.putObject("requester")
        .put("reference", "Practitioner/bench-prescriber-" + random.nextInt(50));
    dosage(r, "1 tablet by mouth daily", "26643006", "Oral route");
    return r;
  }

  private ObjectNode medicationRequest(
      String id, String status, String patientId, Product product) {
    ObjectNode r = JSON.createObjectNode();
    r.put("resourceType", "MedicationRequest");
    r.put("id", id);
    r.put("status", status);
    r.put("intent", "order");
    r.set("medicationCodeableConcept", concept(RXNORM, product.rxcui(), product.name()));
    r.putObject("subject").put("reference", "Patient/" + patientId);
    return r;
  }

  private ObjectNode statement(String id, String patientId, Product product) {
    ObjectNode s = JSON.createObjectNode();
    s.put("resourceType", "MedicationStatement");
    s.put("id", id);
    s.put("status", "active");
    s.set("medicationCodeableConcept", concept(RXNORM, product.rxcui(), product.name()));
    s.putObject("subject").put("reference", "Patient/" + patientId);
    s.putObject("effectivePeriod").put("start", date(900));
    s.put("dateAsserted", date(60));
    return s;
  }

  private ObjectNode patient(String id) {
    ObjectNode p = JSON.createObjectNode();
    p.put("resourceType", "Patient");
    p.put("id", id);
    p.putArray("name").addObject().put("family", "Synthetic").putArray("given").add("Bench");
    p.put("gender", random.nextBoolean() ? "female" : "male");
    p.put(
        "birthDate",
        LocalDate.of(1940 + random.nextInt(60), 1 + random.nextInt(12), 15).toString());
    return p;
  }

  private ObjectNode condition(String id, String patientId, String[] code) {
    ObjectNode c = JSON.createObjectNode();
    c.put("resourceType", "Condition");
    c.put("id", id);
    c.set(
        "clinicalStatus",
        concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"));
    c.set(
        "verificationStatus",
        concept(
            "http://terminology.hl7.org/CodeSystem/condition-ver-status",
            "confirmed",
            "Confirmed"));
    c.set("code", concept(SNOMED, code[0], code[1]));
    c.putObject("subject").put("reference", "Patient/" + patientId);
    c.put("onsetDateTime", date(3000));
    return c;
  }

  private ObjectNode bloodPressure(String id, String patientId, int age) {
    ObjectNode o = JSON.createObjectNode();
    o.put("resourceType", "Observation");
    o.put("id", id);
    o.put("status", "final");
    o.putArray("category")
        .add(
            concept(
                "http://terminology.hl7.org/CodeSystem/observation-category",
                "vital-signs",
                "Vital Signs"));
    o.set("code", concept(LOINC, "85354-9", "Blood pressure panel with all children optional"));
    o.putObject("subject").put("reference", "Patient/" + patientId);
    o.put("effectiveDateTime", LocalDate.of(2026, 10, 1).minusDays(30L * age) + "T09:30:00Z");
    ArrayNode components = o.putArray("component");
    component(components, "8480-6", "Systolic blood pressure", 110 + random.nextInt(60));
    component(components, "8462-4", "Diastolic blood pressure", 65 + random.nextInt(40));
    return o;
  }

  private static void component(ArrayNode components, String loinc, String name, int mmHg) {
    ObjectNode c = components.addObject();
    c.set("code", concept(LOINC, loinc, name));
    c.putObject("valueQuantity")
        .put("value", mmHg)
        .put("unit", "mmHg")
        .put("system", "http://unitsofmeasure.org")
        .put("code", "mm[Hg]");
  }

  private static void dosage(ObjectNode request, String text, String route, String routeName) {
    ObjectNode dosage = request.putArray("dosageInstruction").addObject();
    dosage.put("text", text);
    dosage.set("route", concept(SNOMED, route, routeName));
  }

  private static ObjectNode concept(String system, String code, String display) {
    ObjectNode concept = JSON.createObjectNode();
    concept
        .putArray("coding")
        .addObject()
        .put("system", system)
        .put("code", code)
        .put("display", display);
    concept.put("text", display);
    return concept;
  }

  private static ObjectNode bundle(String type) {
    ObjectNode bundle = JSON.createObjectNode();
    bundle.put("resourceType", "Bundle");
    bundle.put("type", type);
    bundle.putArray("entry");
    return bundle;
  }

  /** A search result entry, with the full URL and search mode EHRs send. */
  private static void entry(ObjectNode bundle, ObjectNode resource) {
    ObjectNode entry = ((ArrayNode) bundle.get("entry")).addObject();
    entry.put(
        "fullUrl",
        "https://ehr.example.org/fhir/"
            + resource.get("resourceType").asText()
            + "/"
            + resource.get("id").asText());
    entry.set("resource", resource);
    entry.putObject("search").put("mode", "match");
  }

  private String date(int maxDaysAgo) {
    return LocalDate.of(2026, 10, 1).minusDays(random.nextInt(maxDaysAgo)).toString();
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  /** The product-level RxNorm concepts of a value set: those naming their ingredient. */
  private static List<Product> products(String valueSet) {
    String path = "knowledge/valuesets/" + valueSet + ".json";
    try (InputStream in = SyntheticOrders.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("no value set " + path + " on the class path");
      }
      List<Product> products = new ArrayList<>();
      for (JsonNode include : JSON.readTree(in).path("compose").path("include")) {
        if (!RXNORM.equals(include.path("system").asText())) {
          continue;
        }
        for (JsonNode concept : include.path("concept")) {
          boolean product = false;
          for (JsonNode extension : concept.path("extension")) {
            product |= extension.path("url").asText().endsWith("/ingredient");
          }
          if (product) {
            products.add(
                new Product(concept.path("code").asText(), concept.path("display").asText()));
          }
        }
      }
      return List.copyOf(products);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
