package org.ketaminecds.engine;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ketaminecds.engine.knowledge.KnowledgePack;
import org.ketaminecds.engine.knowledge.Modifier;
import org.ketaminecds.engine.knowledge.ModifierCondition;
import org.ketaminecds.engine.knowledge.Rule;
import org.ketaminecds.engine.knowledge.RulePack;
import org.ketaminecds.engine.knowledge.Subject;
import org.ketaminecds.engine.knowledge.Terminology;
import org.ketaminecds.engine.knowledge.Trigger;

/**
 * Evaluates a rule pack against one patient. Stateless and thread-safe: one instance serves every
 * request. Rules return findings, never exceptions.
 */
public final class InteractionEngine {

  private final RulePack pack;
  private final Terminology terminology;

  public InteractionEngine(RulePack pack, Terminology terminology) {
    this.pack = pack;
    this.terminology = terminology;
  }

  public InteractionEngine(KnowledgePack knowledge) {
    this(knowledge.rules(), knowledge.terminology());
  }

  public RulePack rulePack() {
    return pack;
  }

  /** The trigger (ketamine, esketamine) this order is for, if any. */
  public Optional<Trigger> trigger(Medication order) {
    Classification classes = classify(order);
    return pack.triggers().stream().filter(t -> classes.has(t.valueSet())).findFirst();
  }

  public Evaluation evaluate(EvaluationInput input) {
    List<Medication> triggering = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    Profile profile = null;
    for (Medication order : input.orders()) {
      Optional<Trigger> trigger = trigger(order);
      if (trigger.isEmpty()) {
        continue;
      }
      triggering.add(order);
      if (profile == null) {
        profile = profile(input);
      }
      for (Rule rule : pack.rules()) {
        if (rule.triggers().contains(trigger.get().id())) {
          evaluate(rule, order, profile, input).ifPresent(findings::add);
        }
      }
    }
    findings.sort(
        Comparator.comparing(Finding::severity).reversed().thenComparing(f -> f.rule().id()));
    return new Evaluation(pack.version(), triggering, findings);
  }

  private Optional<Finding> evaluate(
      Rule rule, Medication order, Profile profile, EvaluationInput input) {
    Subject subject = rule.subject();
    List<Medication> medications = List.of();
    List<Condition> conditions = List.of();
    Optional<BloodPressure> bloodPressure = Optional.empty();
    MatchConfidence confidence = MatchConfidence.CODED;
    switch (subject.kind()) {
      case MEDICATION -> {
        medications = profile.inClass(subject.valueSet(), subject.lookbackDays(), input.today());
        if (medications.isEmpty()) {
          return Optional.empty();
        }
        confidence = profile.confidence(medications, subject.valueSet());
      }
      case CONDITION -> {
        conditions = profile.conditionsIn(subject.valueSet());
        if (conditions.isEmpty()) {
          return Optional.empty();
        }
        confidence = profile.conditionConfidence(conditions, subject.valueSet());
      }
      case BLOOD_PRESSURE -> {
        bloodPressure =
            input
                .patient()
                .latestBloodPressure()
                .filter(bp -> bp.atLeast(subject.systolic(), subject.diastolic()));
        if (bloodPressure.isEmpty()) {
          return Optional.empty();
        }
      }
    }
    Severity severity = rule.severity();
    List<Modifier> applied = new ArrayList<>();
    for (Modifier modifier : rule.modifiers()) {
      if (holds(modifier.when(), order, profile, input)) {
        applied.add(modifier);
        severity = severity.atLeast(modifier.severity());
      }
    }
    return Optional.of(
        new Finding(
            rule, severity, order, medications, conditions, bloodPressure, applied, confidence));
  }

  private boolean holds(
      ModifierCondition condition, Medication order, Profile profile, EvaluationInput input) {
    // Java 17: no pattern matching for switch yet, so the sealed cases are tested in turn.
    if (condition instanceof ModifierCondition.AgeAtLeast age) {
      return input.patient().ageYears().isPresent()
          && input.patient().ageYears().getAsInt() >= age.years();
    }
    if (condition instanceof ModifierCondition.HasCondition has) {
      return !profile.conditionsIn(has.valueSet()).isEmpty();
    }
    if (condition instanceof ModifierCondition.BloodPressureAtLeast bp) {
      return input
          .patient()
          .latestBloodPressure()
          .map(reading -> reading.atLeast(bp.systolic(), bp.diastolic()))
          .orElse(false);
    }
    if (condition instanceof ModifierCondition.OrderRoute route) {
      return order.route() == route.route();
    }
    if (condition instanceof ModifierCondition.DistinctClassesAtLeast classes) {
      long present =
          classes.valueSets().stream()
              .filter(
                  vs ->
                      !profile.inClass(vs, 0, input.today()).isEmpty()
                          || !profile.conditionsIn(vs).isEmpty())
              .count();
      return present >= classes.count();
    }
    if (condition instanceof ModifierCondition.AnyOf any) {
      return any.conditions().stream().anyMatch(c -> holds(c, order, profile, input));
    }
    throw new IllegalStateException("unhandled modifier condition " + condition);
  }

  private Profile profile(EvaluationInput input) {
    List<ClassifiedMedication> meds = new ArrayList<>();
    for (Medication m : input.otherDraftOrders()) {
      meds.add(new ClassifiedMedication(m, classify(m)));
    }
    for (Medication m : input.medications()) {
      meds.add(new ClassifiedMedication(m, classify(m)));
    }
    List<ClassifiedCondition> conditions = new ArrayList<>();
    for (Condition c : input.patient().conditions()) {
      conditions.add(new ClassifiedCondition(c, classify(c.codes(), c.names())));
    }
    return new Profile(meds, conditions);
  }

  private Classification classify(Medication medication) {
    return classify(medication.codes(), medication.names());
  }

  private Classification classify(List<Code> codes, List<String> names) {
    Map<String, MatchConfidence> classes = new HashMap<>();
    for (Code code : codes) {
      for (String url : terminology.valueSetsOf(code)) {
        classes.put(url, MatchConfidence.CODED);
      }
    }
    for (String name : names) {
      for (String url : terminology.valueSetsNamedIn(name)) {
        classes.putIfAbsent(url, MatchConfidence.TEXT);
      }
    }
    return new Classification(classes);
  }

  private record Classification(Map<String, MatchConfidence> classes) {
    boolean has(String valueSet) {
      return classes.containsKey(valueSet);
    }
  }

  private record ClassifiedMedication(Medication medication, Classification classes) {}

  private record ClassifiedCondition(Condition condition, Classification classes) {}

  /** The patient's medications and conditions, each classified once per evaluation. */
  private record Profile(List<ClassifiedMedication> meds, List<ClassifiedCondition> conditions) {

    List<Medication> inClass(String valueSet, int lookbackDays, LocalDate today) {
      List<Medication> result = new ArrayList<>();
      for (ClassifiedMedication m : meds) {
        if (m.classes().has(valueSet) && relevant(m.medication(), lookbackDays, today)) {
          result.add(m.medication());
        }
      }
      return result;
    }

    List<Condition> conditionsIn(String valueSet) {
      List<Condition> result = new ArrayList<>();
      for (ClassifiedCondition c : conditions) {
        if (c.classes().has(valueSet)) {
          result.add(c.condition());
        }
      }
      return result;
    }

    MatchConfidence confidence(List<Medication> matched, String valueSet) {
      Set<Medication> set = Set.copyOf(matched);
      boolean coded =
          meds.stream()
              .anyMatch(
                  m ->
                      set.contains(m.medication())
                          && m.classes().classes().get(valueSet) == MatchConfidence.CODED);
      return coded ? MatchConfidence.CODED : MatchConfidence.TEXT;
    }

    MatchConfidence conditionConfidence(List<Condition> matched, String valueSet) {
      Set<Condition> set = Set.copyOf(matched);
      boolean coded =
          conditions.stream()
              .anyMatch(
                  c ->
                      set.contains(c.condition())
                          && c.classes().classes().get(valueSet) == MatchConfidence.CODED);
      return coded ? MatchConfidence.CODED : MatchConfidence.TEXT;
    }

    private static boolean relevant(Medication m, int lookbackDays, LocalDate today) {
      return m.endedOn().map(end -> !end.plusDays(lookbackDays).isBefore(today)).orElse(true);
    }
  }
}
