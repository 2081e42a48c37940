package org.ketaminecds.cds.cards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.ketaminecds.engine.BloodPressure;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.EvaluationInput;
import org.ketaminecds.engine.InteractionEngine;
import org.ketaminecds.engine.Medication;
import org.ketaminecds.engine.Origin;
import org.ketaminecds.engine.PatientContext;
import org.ketaminecds.engine.Route;
import org.ketaminecds.engine.knowledge.KnowledgePack;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;

/** Cards as a clinician reads them, rendered from real findings of the shipped pack. */
class CardRendererTest {

  private static final KnowledgePack PACK = KnowledgePackLoader.fromClasspath().load();
  private static final InteractionEngine ENGINE = new InteractionEngine(PACK);
  private static final LocalDate TODAY = LocalDate.of(2026, 6, 1);
  private static final String BASE = "https://cds.example.org";

  private final CardRenderer renderer =
      new CardRenderer(new ObjectMapper(), java.time.ZoneId.of("America/New_York"));

  private static Medication order(String name, String rxnorm, Route route) {
    return new Medication(
        "MedicationRequest/draft-1",
        Origin.DRAFT_ORDER,
        rxnorm == null ? List.of() : List.of(Code.rxnorm(rxnorm)),
        List.of(name),
        route,
        Optional.empty());
  }

  private static final Medication KETAMINE_IV =
      order("KETAMINE HCL 100MG/ML INJ", "238083", Route.INTRAVENOUS);

  private static Medication med(String id, String rxnorm, String name) {
    return new Medication(
        "MedicationRequest/" + id,
        Origin.REQUEST,
        rxnorm == null ? List.of() : List.of(Code.rxnorm(rxnorm)),
        name == null ? List.of() : List.of(name),
        Route.UNKNOWN,
        Optional.empty());
  }

  private List<Card> cards(Medication order, PatientContext patient, Medication... meds) {
    return cards(order, patient, List.of(), meds);
  }

  private List<Card> cards(
      Medication order, PatientContext patient, List<String> incomplete, Medication... meds) {
    var evaluation =
        ENGINE.evaluate(
            new EvaluationInput(List.of(order), List.of(), List.of(meds), patient, TODAY));
    return renderer.render(evaluation, PACK.rules(), "p1", BASE, incomplete, List.of());
  }

  private static PatientContext aged(int years) {
    return new PatientContext(OptionalInt.of(years), List.of(), Optional.empty());
  }

  @Test
  void theSummaryNamesTheOrderTheMatchedIngredientAndTheRisk() {
    Card card = cards(KETAMINE_IV, aged(40), med("m1", "312347", "PHENELZINE SO4 15MG TAB")).get(0);

    assertThat(card.summary())
        .isEqualTo("Ketamine + phenelzine (MAOI): risk of hypertensive crisis")
        .hasSizeLessThan(140);
    assertThat(card.indicator()).isEqualTo("critical");
    assertThat(card.detail()).contains("**Found:** PHENELZINE SO4 15MG TAB (medication order)");
  }

  @Test
  void aMatchByNameOnlyIsMarkedAsSuch() {
    Card card = cards(KETAMINE_IV, aged(40), med("m1", null, "Nardil 15mg")).get(0);

    assertThat(card.summary()).contains("phenelzine").contains("matched by name");
    assertThat(card.detail())
        .contains("phenelzine — Nardil 15mg")
        .contains("Recognised by name only");
    assertThat(card.extension()).containsEntry("org.ketaminecds.match", "name-only");
  }

  @Test
  void aCodedMatchIsMarkedCoded() {
    Card card = cards(KETAMINE_IV, aged(40), med("m1", "8123", null)).get(0);

    assertThat(card.extension()).containsEntry("org.ketaminecds.match", "coded");
    assertThat(card.detail()).doesNotContain("by name");
  }

  @Test
  void esketamineCardsSayEsketamine() {
    Medication spravato = order("Spravato 56 mg nasal spray", null, Route.INTRANASAL);

    Card card = cards(spravato, aged(40), med("m1", "8123", null)).get(0);

    assertThat(card.summary()).startsWith("Esketamine + phenelzine");
  }

  @Test
  void theDetailSaysWhichModifiersAppliedAndWhy() {
    Card card = cards(KETAMINE_IV, aged(72), med("m1", "704", "amitriptyline 25 mg")).get(0);

    assertThat(card.indicator()).isEqualTo("critical");
    assertThat(card.detail())
        .contains("**For this patient:**")
        .contains(
            "Patient aged 65 or over, or with current or past cardiovascular disease (age 72) → critical");
  }

  @Test
  void aModifierThatCouldNotBeCheckedForWantOfAnAgeIsNamedNotTakenAsFalse() {
    PatientContext noAge = new PatientContext(OptionalInt.empty(), List.of(), Optional.empty());

    Card card = cards(KETAMINE_IV, noAge, med("m1", "704", "amitriptyline 25 mg")).get(0);

    assertThat(card.indicator()).isEqualTo("warning");
    assertThat(card.detail())
        .contains("**Could not be checked:**")
        .contains("cardiovascular disease (age not recorded) → would be critical");
  }

  @Test
  void aKnownAgeLeavesNothingUnchecked() {
    Card card = cards(KETAMINE_IV, aged(40), med("m1", "704", "amitriptyline 25 mg")).get(0);

    assertThat(card.detail()).doesNotContain("Could not be checked");
  }

  @Test
  void theDetailGivesConsequenceMechanismActionAndEvidenceWithSources() {
    Card card = cards(KETAMINE_IV, aged(40), med("m1", "197516", "clarithromycin")).get(0);

    assertThat(card.detail())
        .contains("**Risk:**")
        .contains("**Why:**")
        .contains("**What to do:**")
        .contains("**Evidence:**")
        .contains("(https://doi.org/10.1016/j.ejpain.2009.10.003), Eur J Pain 2010;14(6):625-629")
        .contains("rule pack ketamine-interactions 1.4.0");
    assertThat(card.source().url()).isEqualTo(BASE + "/rules/ketamine-cyp-inhibitor");
    assertThat(card.source().label()).endsWith("1.4.0");
    assertThat(card.source().topic().code()).isEqualTo("ketamine-cyp-inhibitor");
  }

  @Test
  void everyCardCarriesTheRulePackVersionAndOverrideReasons() {
    for (Card card :
        cards(
            KETAMINE_IV,
            aged(40),
            med("m1", "8123", null),
            med("m2", "312938", null),
            med("m3", "197321", null))) {
      assertThat(card.extension())
          .containsEntry(
              "org.ketaminecds.rule-pack",
              Map.of("id", "ketamine-interactions", "version", "1.4.0"));
      assertThat(card.overrideReasons())
          .extracting(Card.Coding::code)
          .containsExactly(
              "specialist-protocol", "benefit-outweighs-risk", "no-longer-taking", "will-monitor");
    }
  }

  @Test
  void aCriticalMaoiCardRecommendsCancellingTheDraftAndOffersBpMonitoring() {
    Card card = cards(KETAMINE_IV, aged(40), med("m1", "8123", null)).get(0);

    assertThat(card.suggestions()).hasSize(2);
    Card.Suggestion cancel = card.suggestions().get(0);
    assertThat(cancel.isRecommended()).isTrue();
    assertThat(cancel.actions().get(0).type()).isEqualTo("delete");
    assertThat(cancel.actions().get(0).resourceId()).isEqualTo("MedicationRequest/draft-1");
    Card.Action monitor = card.suggestions().get(1).actions().get(0);
    assertThat(monitor.type()).isEqualTo("create");
    assertThat(monitor.resource().get("resourceType").asText()).isEqualTo("ServiceRequest");
    assertThat(monitor.resource().at("/subject/reference").asText()).isEqualTo("Patient/p1");
    assertThat(card.selectionBehavior()).isEqualTo("at-most-one");
  }

  @Test
  void aRuleWithoutSuggestionsHasNone() {
    Card card = cards(KETAMINE_IV, aged(40), med("m1", "312938", null)).get(0);

    assertThat(card.summary()).isEqualTo("Ketamine + sertraline (SSRI): generally compatible");
    assertThat(card.suggestions()).isEmpty();
    assertThat(card.selectionBehavior()).isNull();
  }

  @Test
  void aCardRaisedByAModifierIsSummedUpByThePatientsRiskNotTheRulesMilderOne() {
    Card ssri =
        cards(KETAMINE_IV, aged(40), med("m1", "312938", null), med("m2", "8123", null)).stream()
            .filter(c -> c.source().topic().code().equals("ketamine-ssri"))
            .findFirst()
            .orElseThrow();

    assertThat(ssri.indicator()).isEqualTo("warning");
    assertThat(ssri.summary()).endsWith("(SSRI): serotonergic load with other agents");
    assertThat(ssri.summary()).doesNotContain("compatible");
    assertThat(ssri.detail())
        .contains(
            "**Raised to warning for this patient:** Serotonergic load with other agents — two or"
                + " more serotonergic agents")
        .contains("**Risk in general:** Generally compatible.")
        .doesNotContain("**Risk:**");
  }

  @Test
  void textFromTheRecordCannotAddLinksMarkupOrHeadingsToTheCard() {
    String typed =
        "Phenelzine [call us](https://phish.example) <img src=x onerror=alert(1)>\n\n# Ignore";
    Card card = cards(KETAMINE_IV, aged(40), med("m1", "8123", typed)).get(0);

    assertThat(card.detail())
        .contains(
            "Phenelzine \\[call us\\](https://phish.example) &lt;img src=x onerror=alert(1)&gt;  #"
                + " Ignore")
        .doesNotContain("[call us]")
        .doesNotContain("<img")
        .doesNotContain("\n# Ignore");
  }

  @Test
  void aBloodPressureCardGivesTheReading() {
    var patient =
        new PatientContext(
            OptionalInt.of(50), List.of(), Optional.of(BloodPressure.of("Observation/1", 186, 96)));

    Card card = cards(KETAMINE_IV, patient).get(0);

    assertThat(card.summary())
        .isEqualTo("Ketamine with BP 186/96 mmHg: severely raised blood pressure before dosing");
    assertThat(card.indicator()).isEqualTo("critical");
    assertThat(card.detail()).contains("latest blood pressure 186/96 mmHg, time not recorded");
  }

  @Test
  void aBloodPressureCardSaysWhenTheReadingWasTaken_inTheSitesCalendar() {
    // 02:30 UTC on the 21st is still the 20th in New York.
    var reading =
        new BloodPressure(
            "Observation/1",
            OptionalInt.of(186),
            OptionalInt.of(96),
            Optional.of(java.time.Instant.parse("2026-11-21T02:30:00Z")));
    var patient = new PatientContext(OptionalInt.of(50), List.of(), Optional.of(reading));

    Card card = cards(KETAMINE_IV, patient).get(0);

    assertThat(card.detail()).contains("latest blood pressure 186/96 mmHg, taken 2026-11-20");
  }

  @Test
  void theSummaryStaysUnder140CharactersWithManyMedications() {
    List<Medication> opioids = new ArrayList<>();
    String[] codes = {"7052", "7804", "5489", "4337", "6813", "1819", "3423", "2670", "787390"};
    for (int i = 0; i < codes.length; i++) {
      opioids.add(med("o" + i, codes[i], null));
    }

    for (Card card : cards(KETAMINE_IV, aged(40), opioids.toArray(Medication[]::new))) {
      assertThat(card.summary()).hasSizeLessThan(140).contains("Ketamine").contains("opioid");
    }
  }

  @Test
  void missingNonMedicationDataAddsAnInfoCardSayingTheCheckIsIncomplete() {
    List<Card> cards = cards(KETAMINE_IV, PatientContext.unknown(), List.of("conditions"));

    assertThat(cards).hasSize(1);
    assertThat(cards.get(0).indicator()).isEqualTo("info");
    assertThat(cards.get(0).summary()).contains("incomplete").contains("conditions");
  }
}
