package org.ketaminecds.cds.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.discovery.CdsServiceCatalog;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;
import org.ketaminecds.engine.knowledge.ValueSetContent;

/** The codes the service reads blood pressure from are the ones its knowledge pack lists. */
class BloodPressureCodesTest {

  private static final String VALUE_SET =
      "https://ketamine-cds.example.org/fhir/ValueSet/blood-pressure";

  @Test
  void theValueSetListsExactlyTheCodesReadAndPrefetched() {
    ValueSetContent content =
        KnowledgePackLoader.fromClasspath().load().terminology().content(VALUE_SET).orElseThrow();
    assertThat(content.concepts().keySet())
        .containsExactlyInAnyOrderElementsOf(BloodPressureCodes.all());
  }

  @Test
  void noCodeIsBothSystolicAndDiastolicOrAPanel() {
    Set<Code> seen = new HashSet<>();
    BloodPressureCodes.PANELS.forEach(c -> assertThat(seen.add(c)).isTrue());
    BloodPressureCodes.SYSTOLIC.forEach(c -> assertThat(seen.add(c)).isTrue());
    BloodPressureCodes.DIASTOLIC.forEach(c -> assertThat(seen.add(c)).isTrue());
    assertThat(seen).hasSize(28);
  }

  @Test
  void thePrefetchQueryAsksForEveryCode() {
    String query = CdsServiceCatalog.prefetchTemplate(CdsServiceCatalog.BLOOD_PRESSURE);
    for (Code code : BloodPressureCodes.all()) {
      assertThat(query).contains(code.system() + "|" + code.code());
    }
    assertThat(query)
        .startsWith("Observation?patient={{context.patientId}}&code=http://loinc.org|85354-9,")
        .endsWith("&_sort=-date&_count=10");
  }
}
