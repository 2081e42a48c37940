package org.ketaminecds.cds.prefetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrefetchTokenResolverTest {

  private final PrefetchTokenResolver resolver =
      new PrefetchTokenResolver(
          Map.of("patientId", "p-1", "userId", "Practitioner/dr-9", "encounterId", "e-3"));

  @Test
  void contextTokens_areReplacedByTheirValues() {
    assertThat(
            resolver.resolve(
                "MedicationRequest?patient={{context.patientId}}&encounter={{context.encounterId}}"))
        .contains("MedicationRequest?patient=p-1&encounter=e-3");
  }

  @Test
  void userTokens_areDerivedFromTheUserId() {
    assertThat(resolver.resolve("Practitioner/{{userPractitionerId}}"))
        .contains("Practitioner/dr-9");
  }

  @Test
  void aUserTokenOfAnotherType_cannotBeResolved() {
    assertThat(resolver.resolve("PractitionerRole/{{userPractitionerRoleId}}")).isEmpty();
  }

  @Test
  void aTokenWithNoValue_makesTheTemplateUnresolvable() {
    var noEncounter = new PrefetchTokenResolver(Map.of("patientId", "p-1"));
    assertThat(noEncounter.resolve("Encounter/{{context.encounterId}}")).isEmpty();
  }

  @Test
  void valuesAreUrlEncoded_soAnIdCannotAddQueryParameters() {
    var hostile = new PrefetchTokenResolver(Map.of("patientId", "1&_include=*"));
    assertThat(hostile.resolve("Condition?patient={{context.patientId}}"))
        .contains("Condition?patient=1%26_include%3D*");
  }

  @Test
  void whitespaceInsideTheBracesIsTolerated_andTemplatesWithoutTokensPassUnchanged() {
    assertThat(resolver.resolve("Patient/{{ context.patientId }}")).contains("Patient/p-1");
    assertThat(resolver.resolve("Observation?code=8480-6")).contains("Observation?code=8480-6");
  }
}
