package org.ketaminecds.cds.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.fhir.FhirJson;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;
import org.ketaminecds.engine.knowledge.Terminology;

/** The benchmarks' synthetic calls are what they claim to be. */
class SyntheticOrdersTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Terminology TERMINOLOGY =
      KnowledgePackLoader.fromClasspath().load().terminology();

  @Test
  void unrelatedDrugs_areInNoValueSet_byCodeOrByName() {
    for (SyntheticOrders.Product p : SyntheticOrders.UNRELATED) {
      assertThat(TERMINOLOGY.matchCode(Code.rxnorm(p.rxcui()))).as(p.name()).isEmpty();
      assertThat(TERMINOLOGY.matchText(p.name())).as(p.name()).isEmpty();
    }
  }

  @Test
  void interactingProducts_areProductCodesTheTerminologyKnows() {
    List<SyntheticOrders.Product> products = new SyntheticOrders(1).interactingProducts();
    assertThat(products).hasSizeGreaterThan(100);
    products.forEach(
        p -> assertThat(TERMINOLOGY.matchCode(Code.rxnorm(p.rxcui()))).as(p.name()).isNotEmpty());
  }

  @Test
  void aCall_carriesTheRequestedNumberOfMedications_asStrictlyValidFhir() throws Exception {
    FhirJson fhir = new FhirJson(FhirContext.forR4Cached());
    for (int medications : new int[] {25, 200}) {
      SyntheticOrders.Call call = new SyntheticOrders(7).call(medications, true, true);
      JsonNode body = JSON.readTree(call.body());
      JsonNode prefetch = body.get("prefetch");
      int count = 0;
      for (String key : List.of("medicationRequests", "medicationStatements")) {
        count += fhir.parse(prefetch.get(key), Bundle.class, key).getEntry().size();
      }
      assertThat(count).isEqualTo(medications);
      for (String key : List.of("patient", "conditions", "bloodPressure")) {
        fhir.parse(prefetch.get(key), key);
      }
      fhir.parse(body.at("/context/draftOrders"), Bundle.class, "context.draftOrders");
      assertThat(call.serviceId()).isEqualTo("ketamine-order-sign");
    }
  }

  @Test
  void aMix_ordersKetamineInAboutTheGivenShare_andAlternatesHooks() throws Exception {
    List<SyntheticOrders.Call> calls = new SyntheticOrders(3).calls(400, 25, 0.3);
    long ketamine = calls.stream().filter(SyntheticOrders.Call::ketamine).count();
    assertThat(ketamine).isBetween(90L, 150L);
    assertThat(calls.stream().filter(c -> c.serviceId().equals("ketamine-order-select")))
        .hasSize(200);
    SyntheticOrders.Call select =
        calls.stream().filter(c -> c.serviceId().endsWith("select")).findFirst().orElseThrow();
    JsonNode context = JSON.readTree(select.body()).get("context");
    assertThat(context.at("/selections/0").asText())
        .isEqualTo("MedicationRequest/" + context.at("/draftOrders/entry/0/resource/id").asText());
  }
}
