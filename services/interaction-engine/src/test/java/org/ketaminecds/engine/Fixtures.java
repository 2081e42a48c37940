package org.ketaminecds.engine;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.ketaminecds.engine.knowledge.KnowledgePack;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;

/** Small builders for engine tests: medications as EHRs code them, and patients. */
final class Fixtures {

  static final LocalDate TODAY = LocalDate.of(2026, 6, 1);
  static final KnowledgePack PACK = KnowledgePackLoader.fromClasspath().load();
  static final InteractionEngine ENGINE = new InteractionEngine(PACK);

  private static int ids;

  private Fixtures() {}

  /** IV ketamine ordered by product code (KETAMINE HCL 100MG/ML INJ). */
  static Medication ketamine(Route route) {
    return new Medication(
        "MedicationRequest/ketamine-" + ++ids,
        Origin.DRAFT_ORDER,
        List.of(Code.rxnorm("238083")),
        List.of("Ketamine 100 mg/mL injection"),
        route,
        Optional.empty());
  }

  /** Esketamine ordered by brand name only, as EHRs do when the RxNorm code is local. */
  static Medication spravato() {
    return new Medication(
        "MedicationRequest/esketamine-" + ++ids,
        Origin.DRAFT_ORDER,
        List.of(new Code("urn:oid:1.2.3.4", "LOCAL-77")),
        List.of("Spravato 28 mg nasal spray device"),
        Route.INTRANASAL,
        Optional.empty());
  }

  static Medication coded(String system, String code) {
    return of(Origin.REQUEST, List.of(new Code(system, code)), List.of());
  }

  static Medication rx(String code) {
    return coded(Code.RXNORM, code);
  }

  static Medication atc(String code) {
    return coded(Code.ATC, code);
  }

  /** Known only by text: CodeableConcept.text or a display, with an unknown local code. */
  static Medication text(String text) {
    return of(Origin.REQUEST, List.of(new Code("urn:oid:1.2.3.4", "X" + ++ids)), List.of(text));
  }

  static Medication statement(String text) {
    return of(Origin.STATEMENT, List.of(), List.of(text));
  }

  static Medication draft(String rxnorm) {
    return of(Origin.DRAFT_ORDER, List.of(Code.rxnorm(rxnorm)), List.of());
  }

  static Medication ended(Medication m, LocalDate end) {
    return new Medication(
        m.reference(), m.origin(), m.codes(), m.names(), m.route(), Optional.of(end));
  }

  private static Medication of(Origin origin, List<Code> codes, List<String> names) {
    String type = origin == Origin.STATEMENT ? "MedicationStatement/" : "MedicationRequest/";
    return new Medication(type + ++ids, origin, codes, names, Route.UNKNOWN, Optional.empty());
  }

  static Condition condition(String snomed, String name) {
    return new Condition("Condition/" + ++ids, List.of(Code.snomed(snomed)), List.of(name));
  }

  static Condition condition(String system, String code, String name) {
    return new Condition("Condition/" + ++ids, List.of(new Code(system, code)), List.of(name));
  }

  static Condition conditionText(String name) {
    return new Condition("Condition/" + ++ids, List.of(), List.of(name));
  }

  /** A patient and the orders being checked. */
  static final class Case {
    final List<Medication> orders = new ArrayList<>();
    final List<Medication> otherDrafts = new ArrayList<>();
    final List<Medication> medications = new ArrayList<>();
    final List<Condition> conditions = new ArrayList<>();
    OptionalInt age = OptionalInt.empty();
    Optional<BloodPressure> bp = Optional.empty();

    Case order(Medication m) {
      orders.add(m);
      return this;
    }

    Case otherDraft(Medication m) {
      otherDrafts.add(m);
      return this;
    }

    Case med(Medication m) {
      medications.add(m);
      return this;
    }

    Case condition(Condition c) {
      conditions.add(c);
      return this;
    }

    Case age(int years) {
      age = OptionalInt.of(years);
      return this;
    }

    Case bp(int systolic, int diastolic) {
      bp = Optional.of(BloodPressure.of("Observation/bp", systolic, diastolic));
      return this;
    }

    EvaluationInput input() {
      List<Medication> checked = orders.isEmpty() ? List.of(ketamine(Route.INTRAVENOUS)) : orders;
      return new EvaluationInput(
          checked, otherDrafts, medications, new PatientContext(age, conditions, bp), TODAY);
    }

    Evaluation evaluate() {
      return ENGINE.evaluate(input());
    }
  }
}
