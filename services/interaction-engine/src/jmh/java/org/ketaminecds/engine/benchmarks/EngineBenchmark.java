package org.ketaminecds.engine.benchmarks;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ketaminecds.engine.BloodPressure;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.Condition;
import org.ketaminecds.engine.Evaluation;
import org.ketaminecds.engine.EvaluationInput;
import org.ketaminecds.engine.InteractionEngine;
import org.ketaminecds.engine.Medication;
import org.ketaminecds.engine.Origin;
import org.ketaminecds.engine.PatientContext;
import org.ketaminecds.engine.Route;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One evaluation of the shipped rule pack for one ketamine order against a patient with 50 or 200
 * medications, coded the way EHRs send them: product codes, ATC codes, and entries with only a
 * local code and free text (which cost a word scan each). Ten are in interacting classes, so that
 * several rules and modifiers fire; the rest are unrelated drugs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EngineBenchmark {

  @Param({"50", "200"})
  int medications;

  private InteractionEngine engine;
  private EvaluationInput input;

  /** Interacting medications: product codes and ATC codes from the pack, and brand names. */
  private static final List<String[]> INTERACTING =
      List.of(
          new String[] {"rx", "312938"}, // sertraline product
          new String[] {"rx", "197321"}, // alprazolam product
          new String[] {"rx", "1049502"}, // oxycodone product
          new String[] {"atc", "N02BF01"}, // gabapentin
          new String[] {"text", "Lamictal 100 mg tablet"},
          new String[] {"text", "Seroquel XR 50 mg"},
          new String[] {"rx", "313580"}, // venlafaxine product
          new String[] {"text", "St. John's Wort 300 mg capsule (herbal)"},
          new String[] {"rx", "197516"}, // clarithromycin product
          new String[] {"atc", "N06AA09"}); // amitriptyline

  private static final String[] UNRELATED_NAMES = {
    "Metformin 500 mg tablet",
    "Lisinopril 10 mg tablet",
    "Atorvastatin 20 mg tablet",
    "Levothyroxine 50 mcg tablet",
    "Omeprazole 20 mg capsule",
    "Amlodipine 5 mg tablet",
    "Vitamin D3 1000 IU (OTC)",
    "Fish oil 1 g capsule",
    "Albuterol HFA inhaler 90 mcg/actuation",
    "Insulin glargine 100 units/mL pen"
  };

  @Setup
  public void setUp() {
    engine = new InteractionEngine(KnowledgePackLoader.fromClasspath().load());
    Random random = new Random(42);
    List<Medication> meds = new ArrayList<>();
    for (int i = 0; i < medications; i++) {
      String reference = "MedicationRequest/m" + i;
      Origin origin = i % 3 == 0 ? Origin.STATEMENT : Origin.REQUEST;
      int spacing = medications / INTERACTING.size();
      if (i % spacing == 0) {
        String[] m = INTERACTING.get((i / spacing) % INTERACTING.size());
        List<Code> codes =
            switch (m[0]) {
              case "rx" -> List.of(Code.rxnorm(m[1]));
              case "atc" -> List.of(Code.atc(m[1]));
              default -> List.of(new Code("urn:oid:2.16.840.1.113883.3.1", "L" + i));
            };
        List<String> names = m[0].equals("text") ? List.of(m[1]) : List.of();
        meds.add(new Medication(reference, origin, codes, names, Route.ORAL, Optional.empty()));
      } else {
        String name = UNRELATED_NAMES[random.nextInt(UNRELATED_NAMES.length)];
        List<Code> codes =
            List.of(
                Code.rxnorm(Integer.toString(100000 + random.nextInt(900000))),
                new Code("urn:oid:2.16.840.1.113883.3.1", "L" + i));
        meds.add(
            new Medication(
                reference, origin, codes, List.of(name, name.toUpperCase()), Route.ORAL,
                Optional.empty()));
      }
    }
    List<Condition> conditions =
        List.of(
            new Condition("Condition/1", List.of(Code.snomed("38341003")), List.of("Hypertension")),
            new Condition("Condition/2", List.of(Code.snomed("44054006")), List.of("Type 2 diabetes")),
            new Condition("Condition/3", List.of(), List.of("Chronic low back pain")));
    PatientContext patient =
        new PatientContext(
            OptionalInt.of(67),
            conditions,
            Optional.of(BloodPressure.of("Observation/bp", 146, 88)));
    Medication order =
        new Medication(
            "MedicationRequest/ketamine",
            Origin.DRAFT_ORDER,
            List.of(Code.rxnorm("238083")),
            List.of("Ketamine 100 mg/mL injection"),
            Route.INTRAVENOUS,
            Optional.empty());
    input = new EvaluationInput(List.of(order), List.of(), meds, patient, LocalDate.of(2026, 6, 1));
    if (engine.evaluate(input).findings().size() < 8) {
      throw new IllegalStateException("the benchmark profile should fire several rules");
    }
  }

  @Benchmark
  public Evaluation evaluate() {
    return engine.evaluate(input);
  }
}
