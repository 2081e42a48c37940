package org.ketaminecds.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.ketaminecds.engine.knowledge.KnowledgePack;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;
import org.ketaminecds.engine.knowledge.Rule;
import org.ketaminecds.engine.knowledge.ValueSetContent;

/**
 * Coverage-guided fuzzing of rule evaluation with the real rule pack: patient contexts built from
 * the pack's own codes and names (every value set, so every rule can fire) mixed with garbage codes
 * and text, ended and current medications with any end date, routes, ages, conditions and blood
 * pressures of any value. For every input the engine answers without an exception; the answer is
 * the same when asked twice and does not depend on the order the EHR listed the medications and
 * conditions in; every finding names a rule of the pack that applies to a ketamine or esketamine
 * order of the call; findings come most severe first; no ketamine order, no finding.
 *
 * <p>Runs the committed corpus ({@code InteractionEngineFuzzTestInputs/}) on every build; {@code
 * bench/fuzz.sh engine 5m} fuzzes it.
 */
class InteractionEngineFuzzTest {

  private static final KnowledgePack KNOWLEDGE = KnowledgePackLoader.fromClasspath().load();
  private static final InteractionEngine ENGINE = new InteractionEngine(KNOWLEDGE);

  /** Every code of every value set, in a stable order so that a corpus input always means one. */
  private static final List<Code> CODES =
      KNOWLEDGE.terminology().valueSets().stream()
          .sorted(Comparator.comparing(v -> v.info().url()))
          .flatMap(v -> v.concepts().keySet().stream().sorted(codeOrder()))
          .toList();

  /** The trigger value sets' codes (ketamine, esketamine), so that most inputs reach the rules. */
  private static final List<Code> TRIGGER_CODES =
      KNOWLEDGE.rules().triggers().stream()
          .flatMap(t -> KNOWLEDGE.terminology().content(t.valueSet()).stream())
          .flatMap(v -> v.concepts().keySet().stream().sorted(codeOrder()))
          .toList();

  /** Every drug, brand and condition name the pack matches text by, plus concept displays. */
  private static final List<String> NAMES =
      KNOWLEDGE.terminology().valueSets().stream()
          .sorted(Comparator.comparing(v -> v.info().url()))
          .flatMap(
              v ->
                  java.util.stream.Stream.concat(
                      v.names().stream().map(ValueSetContent.Name::text),
                      v.concepts().values().stream()
                          .map(ValueSetContent.Concept::display)
                          .filter(d -> d != null)
                          .sorted()))
          .toList();

  private static final List<String> SYSTEMS =
      List.of(Code.RXNORM, Code.ATC, Code.SNOMED, Code.LOINC, "urn:oid:1.2.3.4", "", " ");

  private static final Set<String> RULE_IDS =
      KNOWLEDGE.rules().rules().stream().map(Rule::id).collect(Collectors.toSet());

  private static Comparator<Code> codeOrder() {
    return Comparator.comparing(Code::system).thenComparing(Code::code);
  }

  @FuzzTest
  void evaluationNeverFailsAndIsDeterministic(FuzzedDataProvider data) {
    LocalDate today = date(data);
    List<Medication> orders = medications(data, Origin.DRAFT_ORDER, 3, true);
    List<Medication> otherDrafts = medications(data, Origin.DRAFT_ORDER, 3, false);
    List<Medication> recorded = new ArrayList<>();
    recorded.addAll(medications(data, Origin.REQUEST, 8, false));
    recorded.addAll(medications(data, Origin.STATEMENT, 4, false));
    PatientContext patient = patient(data);
    EvaluationInput input = new EvaluationInput(orders, otherDrafts, recorded, patient, today);

    Evaluation first = evaluate(input);
    Evaluation again = evaluate(input);
    assertThat(again).as("the same call evaluated twice gives the same answer").isEqualTo(first);

    List<Medication> reversedMeds = new ArrayList<>(recorded);
    Collections.reverse(reversedMeds);
    List<Condition> reversedConditions = new ArrayList<>(patient.conditions());
    Collections.reverse(reversedConditions);
    Evaluation reordered =
        evaluate(
            new EvaluationInput(
                orders,
                otherDrafts,
                reversedMeds,
                new PatientContext(
                    patient.ageYears(), reversedConditions, patient.latestBloodPressure()),
                today));
    assertThat(verdicts(reordered))
        .as("the order the record lists medications and conditions in changes no alert")
        .isEqualTo(verdicts(first));

    for (Finding finding : first.findings()) {
      assertThat(RULE_IDS).as("finding names a rule of the pack").contains(finding.rule().id());
      assertThat(KNOWLEDGE.rules().rule(finding.rule().id())).contains(finding.rule());
      assertThat(first.triggeringOrders())
          .as("finding %s is for one of the call's ketamine orders", finding.rule().id())
          .contains(finding.order());
      assertThat(finding.rule().triggers())
          .as("rule %s applies to %s", finding.rule().id(), finding.trigger().id())
          .contains(finding.trigger().id());
      assertThat(finding.severity())
          .as("modifiers only raise a rule's severity")
          .isGreaterThanOrEqualTo(finding.rule().severity());
    }
    assertThat(first.findings())
        .as("most severe first")
        .isSortedAccordingTo(Comparator.comparing(Finding::severity).reversed());
    assertThat(first.triggeringOrders()).isSubsetOf(orders);
    if (orders.stream().noneMatch(o -> ENGINE.trigger(o).isPresent())) {
      assertThat(first.findings()).as("no ketamine order, no finding").isEmpty();
    }
    assertThat(first.rulePackVersion()).isEqualTo(KNOWLEDGE.rules().version());
  }

  private static Evaluation evaluate(EvaluationInput input) {
    try {
      return ENGINE.evaluate(input);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("the engine threw instead of answering for " + input, e);
    }
  }

  /** What a clinician sees of an evaluation: which rules fired, how severe, on which order. */
  private static Set<String> verdicts(Evaluation evaluation) {
    Set<String> verdicts = new TreeSet<>();
    for (Finding f : evaluation.findings()) {
      verdicts.add(
          f.order().reference()
              + " "
              + f.rule().id()
              + " "
              + f.severity()
              + " "
              + f.confidence()
              + " "
              + f.appliedModifiers().stream()
                  .map(m -> m.modifier().id())
                  .sorted()
                  .collect(Collectors.joining(",")));
    }
    return verdicts;
  }

  private static List<Medication> medications(
      FuzzedDataProvider data, Origin origin, int max, boolean ketamineFirst) {
    int count = data.consumeInt(0, max);
    List<Medication> result = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<Code> codes = new ArrayList<>();
      if (ketamineFirst && i == 0 && data.consumeBoolean()) {
        codes.add(pick(data, TRIGGER_CODES));
      }
      int codeCount = data.consumeInt(0, 3);
      for (int c = 0; c < codeCount; c++) {
        codes.add(code(data));
      }
      List<String> names = new ArrayList<>();
      int nameCount = data.consumeInt(0, 2);
      for (int n = 0; n < nameCount; n++) {
        names.add(text(data));
      }
      Optional<LocalDate> endedOn =
          switch (data.consumeInt(0, 3)) {
            case 0 -> Optional.of(date(data));
            case 1 -> Optional.of(LocalDate.MIN); // "ended, nothing says when" (MedicationMapper)
            default -> Optional.empty();
          };
      String type = origin == Origin.STATEMENT ? "MedicationStatement/" : "MedicationRequest/";
      result.add(
          new Medication(
              type + origin.name().toLowerCase() + "-" + i,
              origin,
              codes,
              names,
              data.pickValue(Route.values()),
              endedOn));
    }
    return result;
  }

  private static PatientContext patient(FuzzedDataProvider data) {
    OptionalInt age =
        data.consumeBoolean() ? OptionalInt.of(data.consumeInt()) : OptionalInt.empty();
    List<Condition> conditions = new ArrayList<>();
    int count = data.consumeInt(0, 3);
    for (int i = 0; i < count; i++) {
      List<Code> codes = new ArrayList<>();
      if (data.consumeBoolean()) {
        codes.add(code(data));
      }
      List<String> names = data.consumeBoolean() ? List.of(text(data)) : List.of();
      conditions.add(new Condition("Condition/c-" + i, codes, names));
    }
    Optional<BloodPressure> bp = Optional.empty();
    if (data.consumeBoolean()) {
      bp =
          Optional.of(
              new BloodPressure(
                  "Observation/bp",
                  data.consumeBoolean() ? OptionalInt.of(data.consumeInt()) : OptionalInt.empty(),
                  data.consumeBoolean() ? OptionalInt.of(data.consumeInt()) : OptionalInt.empty(),
                  data.consumeBoolean()
                      ? Optional.of(Instant.ofEpochSecond(data.consumeInt()))
                      : Optional.empty()));
    }
    return new PatientContext(age, conditions, bp);
  }

  /** A code of the pack, or one it does not know: a real code under another system, or garbage. */
  private static Code code(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 3)) {
      case 0, 1 -> pick(data, CODES);
      case 2 -> new Code(data.pickValue(SYSTEMS), pick(data, CODES).code());
      default -> new Code(data.pickValue(SYSTEMS), data.consumeString(24));
    };
  }

  /** A name the pack knows, alone or inside other text, or any text. */
  private static String text(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 3)) {
      case 0 -> pick(data, NAMES);
      case 1 -> data.consumeString(16) + " " + pick(data, NAMES) + " " + data.consumeString(16);
      case 2 -> pick(data, NAMES).toUpperCase();
      default -> data.consumeString(64);
    };
  }

  private static LocalDate date(FuzzedDataProvider data) {
    // Years 0001-9999: what a FHIR date can say.
    return LocalDate.ofEpochDay(
        data.consumeLong(
            LocalDate.of(1, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31).toEpochDay()));
  }

  private static <T> T pick(FuzzedDataProvider data, List<T> values) {
    return values.get(data.consumeInt(0, values.size() - 1));
  }
}
