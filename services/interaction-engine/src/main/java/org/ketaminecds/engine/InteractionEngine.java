package org.ketaminecds.engine;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>Each medication and condition is classified once per evaluation (a few hash lookups per code
 * and per word of its names); the rules then only consult those classifications.
 */
public final class InteractionEngine {

  private final RulePack pack;
  private final Terminology terminology;
  private final Map<String, Integer> rulePosition = new HashMap<>();

  /** How long after it ended a medication in this class still matters (MAOI washout). */
  private final Map<String, Integer> lookbackByClass = new HashMap<>();

  public InteractionEngine(RulePack pack, Terminology terminology) {
    this.pack = pack;
    this.terminology = terminology;
    for (Rule rule : pack.rules()) {
      rulePosition.put(rule.id(), rulePosition.size());
      if (rule.subject().kind() == Subject.Kind.MEDICATION) {
        lookbackByClass.merge(rule.subject().valueSet(), rule.subject().lookbackDays(), Math::max);
      }
    }
  }

  public InteractionEngine(KnowledgePack knowledge) {
    this(knowledge.rules(), knowledge.terminology());
  }

  public RulePack rulePack() {
    return pack;
  }

  /** The trigger (ketamine, esketamine) this order is for, if any. */
  public Optional<Trigger> trigger(Medication order) {
    Classification classes = classify(order.codes(), order.names());
    return pack.triggers().stream().filter(t -> classes.has(t.valueSet())).findFirst();
  }

  /**
   * Whether the check can say what this medication is: it has a name (matched against every class,
   * or known to be in none), or a code some value set holds. One with neither is unidentified: it
   * may be an interacting drug the check cannot see.
   */
  public boolean identifies(Medication medication) {
    return !medication.names().isEmpty()
        || !classify(medication.codes(), List.of()).hits().isEmpty();
  }

  public Evaluation evaluate(EvaluationInput input) {
    List<Medication> triggering = new ArrayList<>();
    Map<Medication, Trigger> triggers = new LinkedHashMap<>();
    List<Medication> otherOrders = new ArrayList<>(input.otherDraftOrders());
    for (Medication order : input.orders()) {
      Optional<Trigger> trigger = trigger(order);
      if (trigger.isPresent()) {
        triggering.add(order);
        triggers.put(order, trigger.get());
      } else {
        // Another drug ordered in the same session is one the patient is about to take.
        otherOrders.add(order);
      }
    }
    if (triggering.isEmpty()) {
      return new Evaluation(pack.version(), List.of(), List.of());
    }
    Profile profile = profile(otherOrders, input);
    List<Finding> findings = new ArrayList<>();
    triggers.forEach(
        (order, trigger) -> {
          for (Rule rule : pack.rules()) {
            if (rule.triggers().contains(trigger.id())) {
              evaluate(rule, trigger, order, profile, input).ifPresent(findings::add);
            }
          }
        });
    findings.sort(
        Comparator.comparing(Finding::severity)
            .reversed()
            .thenComparing(f -> rulePosition.get(f.rule().id())));
    return new Evaluation(pack.version(), triggering, findings);
  }

  private Optional<Finding> evaluate(
      Rule rule, Trigger trigger, Medication order, Profile profile, EvaluationInput input) {
    Subject subject = rule.subject();
    List<MedicationMatch> medications = List.of();
    List<Condition> conditions = List.of();
    Optional<BloodPressure> bloodPressure = Optional.empty();
    MatchConfidence confidence = MatchConfidence.CODED;
    switch (subject.kind()) {
      case MEDICATION -> {
        medications = profile.inClass(subject.valueSet(), subject.lookbackDays(), input.today());
        if (medications.isEmpty()) {
          return Optional.empty();
        }
        confidence =
            medications.stream().anyMatch(m -> m.confidence() == MatchConfidence.CODED)
                ? MatchConfidence.CODED
                : MatchConfidence.TEXT;
      }
      case CONDITION -> {
        List<ClassifiedCondition> matched =
            profile.conditionsIn(subject.valueSet(), subject.includePast());
        if (matched.isEmpty()) {
          return Optional.empty();
        }
        conditions = matched.stream().map(ClassifiedCondition::condition).toList();
        confidence =
            matched.stream()
                    .anyMatch(
                        c -> c.classes().confidence(subject.valueSet()) == MatchConfidence.CODED)
                ? MatchConfidence.CODED
                : MatchConfidence.TEXT;
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
    List<AppliedModifier> applied = new ArrayList<>();
    List<Modifier> notHeld = new ArrayList<>();
    for (Modifier modifier : rule.modifiers()) {
      List<String> facts = new ArrayList<>();
      if (holds(modifier.when(), order, medications, profile, input, facts)) {
        applied.add(new AppliedModifier(modifier, List.copyOf(new LinkedHashSet<>(facts))));
        severity = severity.atLeast(modifier.severity());
      } else {
        notHeld.add(modifier);
      }
    }
    // A modifier that would have raised the card but rests on data the record lacks is named, so
    // that an unknown age does not read as "under 65".
    List<AppliedModifier> unchecked = new ArrayList<>();
    for (Modifier modifier : notHeld) {
      List<String> missing = new ArrayList<>();
      unknown(modifier.when(), input, missing);
      if (!missing.isEmpty() && modifier.severity().compareTo(severity) > 0) {
        unchecked.add(new AppliedModifier(modifier, List.copyOf(new LinkedHashSet<>(missing))));
      }
    }
    return Optional.of(
        new Finding(
            rule,
            trigger,
            severity,
            order,
            medications,
            conditions,
            bloodPressure,
            applied,
            confidence,
            unchecked));
  }

  /** What the record lacks to decide this condition: "age not recorded", for one. */
  private static void unknown(
      ModifierCondition condition, EvaluationInput input, List<String> out) {
    if (condition instanceof ModifierCondition.AgeAtLeast && input.patient().ageYears().isEmpty()) {
      out.add("age not recorded");
    } else if (condition instanceof ModifierCondition.BloodPressureAtLeast
        && input.patient().latestBloodPressure().isEmpty()) {
      out.add("no blood-pressure reading");
    } else if (condition instanceof ModifierCondition.AnyOf any) {
      any.conditions().forEach(c -> unknown(c, input, out));
    }
  }

  /** Whether the condition holds; if it does, the facts that make it hold are added. */
  private boolean holds(
      ModifierCondition condition,
      Medication order,
      List<MedicationMatch> subjectMedications,
      Profile profile,
      EvaluationInput input,
      List<String> facts) {
    // Java 17: no pattern matching for switch yet, so the sealed cases are tested in turn.
    if (condition instanceof ModifierCondition.AgeAtLeast age) {
      var years = input.patient().ageYears();
      if (years.isPresent() && years.getAsInt() >= age.years()) {
        facts.add("age " + years.getAsInt());
        return true;
      }
      return false;
    }
    if (condition instanceof ModifierCondition.HasCondition has) {
      List<ClassifiedCondition> present = profile.conditionsIn(has.valueSet(), has.includePast());
      present.forEach(c -> facts.add(c.condition().describe()));
      return !present.isEmpty();
    }
    if (condition instanceof ModifierCondition.BloodPressureAtLeast bp) {
      Optional<BloodPressure> reading =
          input
              .patient()
              .latestBloodPressure()
              .filter(r -> r.atLeast(bp.systolic(), bp.diastolic()));
      reading.ifPresent(r -> facts.add("latest blood pressure " + r.display()));
      return reading.isPresent();
    }
    if (condition instanceof ModifierCondition.OrderRoute route) {
      if (order.route() == route.route()) {
        facts.add(route.route().name().toLowerCase(Locale.ROOT) + " route");
        return true;
      }
      return false;
    }
    if (condition instanceof ModifierCondition.DistinctClassesAtLeast classes) {
      int present = 0;
      List<String> found = new ArrayList<>();
      for (String vs : classes.valueSets()) {
        List<String> names = new ArrayList<>();
        profile.counted(vs, input.today()).forEach(m -> names.add(m.name()));
        profile.conditionsIn(vs, false).forEach(c -> names.add(c.condition().displayName()));
        if (!names.isEmpty()) {
          present++;
          found.addAll(names);
        }
      }
      if (present >= classes.count()) {
        facts.addAll(found);
        return true;
      }
      return false;
    }
    if (condition instanceof ModifierCondition.DistinctAgentsAtLeast agents) {
      List<MedicationMatch> counted = profile.counted(agents.valueSet(), input.today());
      Map<String, String> byKey = new LinkedHashMap<>();
      for (MedicationMatch m : counted) {
        agentNames(m).forEach(name -> byKey.putIfAbsent(name.toLowerCase(Locale.ROOT), name));
      }
      // The finding's own drug must be one of them: a morphine card says nothing of sertraline
      // and tramadol.
      boolean own =
          subjectMedications.isEmpty()
              || subjectMedications.stream()
                  .anyMatch(s -> counted.stream().anyMatch(m -> m.medication() == s.medication()));
      if (own && byKey.size() >= agents.count()) {
        facts.addAll(byKey.values());
        return true;
      }
      return false;
    }
    if (condition instanceof ModifierCondition.AnyOf any) {
      boolean result = false;
      for (ModifierCondition c : any.conditions()) {
        result |= holds(c, order, subjectMedications, profile, input, facts);
      }
      return result;
    }
    throw new IllegalStateException("unhandled modifier condition " + condition);
  }

  private static List<String> agentNames(MedicationMatch match) {
    return match.ingredients().isEmpty()
        ? List.of(match.medication().displayName())
        : match.ingredients();
  }

  private Profile profile(List<Medication> otherOrders, EvaluationInput input) {
    List<ClassifiedMedication> meds = new ArrayList<>();
    for (Medication m : otherOrders) {
      meds.add(classifyMedication(m));
    }
    for (Medication m : input.medications()) {
      meds.add(classifyMedication(m));
    }
    List<ClassifiedCondition> conditions = new ArrayList<>();
    for (Condition c : input.patient().conditions()) {
      Classification classes = classify(c.codes(), c.names());
      conditions.add(new ClassifiedCondition(named(c, classes), classes));
    }
    return new Profile(meds, conditions);
  }

  /**
   * A condition the record sent as a code alone, named as the value set that listed the code names
   * it ("Abdominal aortic aneurysm" rather than "SNOMED CT 233985008"), for the card.
   */
  private static Condition named(Condition condition, Classification classes) {
    if (!condition.names().isEmpty()) {
      return condition;
    }
    return classes.hits().entrySet().stream()
        .filter(e -> e.getValue().confidence() == MatchConfidence.CODED)
        .filter(e -> !e.getValue().concepts().isEmpty())
        .min(Map.Entry.comparingByKey())
        .map(
            e ->
                new Condition(
                    condition.reference(),
                    condition.codes(),
                    List.of(e.getValue().concepts().iterator().next()),
                    condition.past()))
        .orElse(condition);
  }

  private ClassifiedMedication classifyMedication(Medication m) {
    Classification classes = classify(m.codes(), m.names());
    int lookback = 0;
    for (String url : classes.hits().keySet()) {
      lookback = Math.max(lookback, lookbackByClass.getOrDefault(url, 0));
    }
    return new ClassifiedMedication(m, classes, lookback);
  }

  private Classification classify(List<Code> codes, List<String> names) {
    Map<String, Hit> hits = new HashMap<>();
    for (Code code : codes) {
      for (Terminology.ConceptMatch match : terminology.matchCode(code)) {
        Hit hit = hits.get(match.valueSet());
        if (hit == null || hit.confidence() == MatchConfidence.TEXT) {
          hit = new Hit(MatchConfidence.CODED, new LinkedHashSet<>());
          hits.put(match.valueSet(), hit);
        }
        hit.concepts().addAll(match.concepts());
      }
    }
    for (String name : names) {
      for (Terminology.ConceptMatch match : terminology.matchText(name)) {
        Hit hit =
            hits.computeIfAbsent(
                match.valueSet(), k -> new Hit(MatchConfidence.TEXT, new LinkedHashSet<>()));
        // A code is the better witness: names only fill in for value sets no code matched.
        if (hit.confidence() == MatchConfidence.TEXT) {
          hit.concepts().addAll(match.concepts());
        }
      }
    }
    return new Classification(hits);
  }

  private record Hit(MatchConfidence confidence, Set<String> concepts) {}

  private record Classification(Map<String, Hit> hits) {
    boolean has(String valueSet) {
      return hits.containsKey(valueSet);
    }

    MatchConfidence confidence(String valueSet) {
      Hit hit = hits.get(valueSet);
      return hit == null ? null : hit.confidence();
    }
  }

  private record ClassifiedMedication(
      Medication medication, Classification classes, int lookbackDays) {

    MedicationMatch match(String valueSet) {
      Hit hit = classes.hits().get(valueSet);
      return new MedicationMatch(medication, List.copyOf(hit.concepts()), hit.confidence());
    }
  }

  private record ClassifiedCondition(Condition condition, Classification classes) {}

  /** The patient's medications and conditions, each classified once per evaluation. */
  private record Profile(
      List<ClassifiedMedication> meds,
      List<ClassifiedCondition> conditions,
      Map<String, List<MedicationMatch>> countedByClass) {

    Profile(List<ClassifiedMedication> meds, List<ClassifiedCondition> conditions) {
      this(meds, conditions, new HashMap<>());
    }

    /** Medications in the class that still matter for a rule with this lookback. */
    List<MedicationMatch> inClass(String valueSet, int lookbackDays, LocalDate today) {
      List<MedicationMatch> result = new ArrayList<>();
      for (ClassifiedMedication m : meds) {
        if (m.classes().has(valueSet) && relevant(m.medication(), lookbackDays, today)) {
          result.add(m.match(valueSet));
        }
      }
      return result;
    }

    /** Medications in the class that count towards a modifier: current or still washing out. */
    List<MedicationMatch> counted(String valueSet, LocalDate today) {
      // Several modifiers count the same classes; one evaluation asks for each class once.
      return countedByClass.computeIfAbsent(valueSet, vs -> count(vs, today));
    }

    private List<MedicationMatch> count(String valueSet, LocalDate today) {
      List<MedicationMatch> result = new ArrayList<>();
      for (ClassifiedMedication m : meds) {
        if (m.classes().has(valueSet) && relevant(m.medication(), m.lookbackDays(), today)) {
          result.add(m.match(valueSet));
        }
      }
      return result;
    }

    /** The conditions in this value set: current ones, and with {@code includePast} past ones. */
    List<ClassifiedCondition> conditionsIn(String valueSet, boolean includePast) {
      List<ClassifiedCondition> result = new ArrayList<>();
      for (ClassifiedCondition c : conditions) {
        if (c.classes().has(valueSet) && (includePast || c.condition().isCurrent())) {
          result.add(c);
        }
      }
      return result;
    }

    private static boolean relevant(Medication m, int lookbackDays, LocalDate today) {
      return m.endedOn()
          .map(
              end ->
                  end.equals(Medication.END_UNKNOWN)
                      ? lookbackDays > 0
                      : !end.plusDays(lookbackDays).isBefore(today))
          .orElse(true);
    }
  }
}
