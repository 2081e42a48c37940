package org.ketaminecds.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.engine.Code.ICD10CM;
import static org.ketaminecds.engine.Fixtures.PACK;
import static org.ketaminecds.engine.Fixtures.TODAY;
import static org.ketaminecds.engine.Fixtures.atc;
import static org.ketaminecds.engine.Fixtures.condition;
import static org.ketaminecds.engine.Fixtures.conditionText;
import static org.ketaminecds.engine.Fixtures.draft;
import static org.ketaminecds.engine.Fixtures.ended;
import static org.ketaminecds.engine.Fixtures.ketamine;
import static org.ketaminecds.engine.Fixtures.rx;
import static org.ketaminecds.engine.Fixtures.spravato;
import static org.ketaminecds.engine.Fixtures.statement;
import static org.ketaminecds.engine.Fixtures.text;
import static org.ketaminecds.engine.Severity.CRITICAL;
import static org.ketaminecds.engine.Severity.INFO;
import static org.ketaminecds.engine.Severity.WARNING;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.engine.Fixtures.Case;
import org.ketaminecds.engine.knowledge.Modifier;
import org.ketaminecds.engine.knowledge.Rule;

/**
 * Every rule and every contextual modifier of the shipped pack, firing and not firing, with
 * medications coded the way EHRs send them: product codes (SCD), ingredient and ATC codes, brand
 * names and free text only, patient-reported statements, other draft orders, stopped medications.
 */
class RuleScenarioTest {

  /** A rule's expected outcome: silent (severity null) or firing with exactly these modifiers. */
  record Expect(String rule, Severity severity, Set<String> modifiers) {
    @Override
    public String toString() {
      return severity == null ? rule + " silent" : rule + " " + severity + " " + modifiers;
    }
  }

  record Scenario(String name, Case patient, List<Expect> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Expect fires(String rule, Severity severity, String... modifiers) {
    return new Expect("ketamine-" + rule, severity, Set.of(modifiers));
  }

  static Expect silent(String rule) {
    return new Expect("ketamine-" + rule, null, Set.of());
  }

  static Scenario scenario(String name, Case patient, Expect... expected) {
    return new Scenario(name, patient, List.of(expected));
  }

  static Case patient() {
    return new Case();
  }

  static final String SEROTONERGIC = "serotonergic-load";
  static final String CNS = "cns-depressant-stack";

  static Stream<Scenario> scenarios() {
    return Stream.of(
        // MAOIs, with the 14-day washout on both sides
        scenario(
            "phenelzine product code (SCD) gives a critical MAOI finding",
            patient().med(rx("312347")),
            fires("maoi", CRITICAL)),
        scenario(
            "Nardil by brand name in free text gives a critical MAOI finding",
            patient().med(text("Nardil 15 mg tablet")),
            fires("maoi", CRITICAL)),
        scenario(
            "an MAOI stopped 14 days ago still counts (washout)",
            patient().med(ended(rx("8123"), TODAY.minusDays(14))),
            fires("maoi", CRITICAL)),
        scenario(
            "an MAOI stopped 15 days ago no longer counts",
            patient().med(ended(rx("8123"), TODAY.minusDays(15))),
            silent("maoi")),
        scenario(
            "esketamine ordered as Spravato (text) with selegiline by ATC class",
            patient().order(spravato()).med(atc("N04BD01")),
            fires("maoi", CRITICAL)),
        scenario(
            "an MAOI with an SSRI adds serotonergic load to both cards",
            patient().med(rx("8123")).med(rx("312938")),
            fires("maoi", CRITICAL, SEROTONERGIC),
            fires("ssri", WARNING, SEROTONERGIC)),
        scenario(
            "linezolid stopped 5 days ago still counts with an SSRI",
            patient().med(ended(rx("311345"), TODAY.minusDays(5))).med(rx("36437")),
            fires("maoi", CRITICAL, SEROTONERGIC),
            fires("ssri", WARNING, SEROTONERGIC)),
        // TCAs
        scenario(
            "amitriptyline product code at 40 is a warning",
            patient().age(40).med(rx("856762")),
            fires("tca", WARNING),
            silent("cardiovascular-disease")),
        scenario(
            "a TCA at 70 is critical",
            patient().age(70).med(text("Elavil 25mg")),
            fires("tca", CRITICAL, "older-or-cardiovascular")),
        scenario(
            "a TCA with heart failure is critical",
            patient().age(50).med(rx("704")).condition(condition("84114007", "Heart failure")),
            fires("tca", CRITICAL, "older-or-cardiovascular"),
            fires("cardiovascular-disease", WARNING)),
        scenario(
            "an 80-year-old on no TCA has no TCA finding",
            patient().age(80).med(rx("312938")),
            silent("tca"),
            fires("ssri", INFO)),
        scenario(
            "a TCA with tramadol adds serotonergic load; the opioid card says so too",
            patient().age(30).med(rx("3638")).med(rx("833709")),
            fires("tca", WARNING, SEROTONERGIC),
            fires("opioid", WARNING, SEROTONERGIC)),
        // SNRIs
        scenario(
            "venlafaxine product code is info", patient().med(rx("313580")), fires("snri", INFO)),
        scenario(
            "an SNRI with a latest BP of 150/95 is a warning",
            patient().med(rx("313580")).bp(150, 95),
            fires("snri", WARNING, "raised-blood-pressure"),
            fires("raised-blood-pressure", WARNING)),
        scenario(
            "duloxetine with hypertension on the problem list is a warning",
            patient().med(rx("72625")).condition(condition("38341003", "Hypertension")),
            fires("snri", WARNING, "raised-blood-pressure"),
            fires("hypertension", WARNING)),
        scenario(
            "an SNRI with a normal BP stays info",
            patient().med(text("Cymbalta 60 mg capsule")).bp(128, 82),
            fires("snri", INFO),
            silent("raised-blood-pressure")),
        scenario(
            "bupropion is not an SNRI", patient().med(text("Bupropion XL 150 mg")), silent("snri")),
        scenario(
            "an SNRI with tramadol adds serotonergic load",
            patient().med(rx("313581")).med(text("Ultram 50 mg")),
            fires("snri", WARNING, SEROTONERGIC),
            fires("opioid", WARNING, SEROTONERGIC)),
        // SSRIs
        scenario(
            "sertraline product code is info (generally compatible)",
            patient().med(rx("312938")),
            fires("ssri", INFO),
            silent("maoi")),
        scenario(
            "Zoloft reported by the patient (statement, text only) is info",
            patient().med(statement("Zoloft")),
            fires("ssri", INFO)),
        scenario(
            "two different SSRIs are two serotonergic agents",
            patient().med(rx("248642")).med(rx("312938")),
            fires("ssri", WARNING, SEROTONERGIC)),
        scenario(
            "the same SSRI as an order and a statement is one agent",
            patient().med(rx("312938")).med(statement("sertraline 50 mg")),
            fires("ssri", INFO)),
        scenario(
            "an SSRI with St John's wort (herbal statement)",
            patient().med(rx("2556")).med(statement("St. John's Wort 300 mg capsule")),
            fires("ssri", WARNING, SEROTONERGIC),
            fires("cyp-inducer", WARNING, SEROTONERGIC)),
        scenario(
            "an SSRI statement whose period ended yesterday is ignored",
            patient().med(ended(statement("escitalopram 10 mg"), TODAY.minusDays(1))),
            silent("ssri")),
        // Benzodiazepines, opioids and other CNS depressants
        scenario(
            "alprazolam product code is a warning",
            patient().med(rx("197321")),
            fires("benzodiazepine", WARNING),
            silent("opioid")),
        scenario(
            "a Z-drug by ATC code counts as a benzodiazepine",
            patient().med(atc("N05CF02")),
            fires("benzodiazepine", WARNING)),
        scenario(
            "a benzodiazepine with an opioid stacks CNS depression: both critical",
            patient().med(atc("N05BA06")).med(rx("1049502")),
            fires("benzodiazepine", CRITICAL, CNS),
            fires("opioid", CRITICAL, CNS)),
        scenario(
            "oxycodone alone is a warning",
            patient().med(text("OxyContin 10 mg ER tablet")),
            fires("opioid", WARNING)),
        scenario(
            "acetaminophen alone fires nothing",
            patient().med(text("Acetaminophen 500 mg tablet")),
            silent("opioid"),
            silent("benzodiazepine"),
            silent("other-cns-depressant")),
        scenario(
            "gabapentin product code is a warning",
            patient().med(rx("310430")),
            fires("other-cns-depressant", WARNING)),
        scenario(
            "gabapentin with phenobarbital stacks two classes",
            patient().med(rx("310430")).med(rx("198083")),
            fires("other-cns-depressant", CRITICAL, CNS)),
        scenario(
            "carisoprodol alone is a warning without stacking",
            patient().med(rx("197446")),
            fires("other-cns-depressant", WARNING)),
        scenario(
            "alcohol use disorder on the problem list is a warning",
            patient().condition(condition("7200002", "Alcoholism")),
            fires("alcohol-use-disorder", WARNING)),
        scenario(
            "alcohol use disorder with a benzodiazepine order in the same session stacks",
            patient()
                .condition(conditionText("Alcohol use disorder, moderate"))
                .otherDraft(draft("6470")),
            fires("alcohol-use-disorder", CRITICAL, CNS),
            fires("benzodiazepine", CRITICAL, CNS)),
        scenario(
            "no alcohol use disorder: no finding",
            patient().condition(condition("195967001", "Asthma")),
            silent("alcohol-use-disorder")),
        // Stimulants, sympathomimetics, xanthines
        scenario(
            "Concerta by brand name is a psychostimulant warning",
            patient().med(text("Concerta 36 mg ER tablet")),
            fires("psychostimulant", WARNING)),
        scenario(
            "caffeine is not a psychostimulant here",
            patient().med(text("Caffeine 200 mg tablet")),
            silent("psychostimulant")),
        scenario(
            "an epinephrine order in the same session is a sympathomimetic warning",
            patient().otherDraft(draft("3992")),
            fires("sympathomimetic", WARNING)),
        scenario(
            "pseudoephedrine is not listed",
            patient().med(text("Pseudoephedrine 60 mg tablet")),
            silent("sympathomimetic")),
        scenario(
            "theophylline product code is a warning",
            patient().med(rx("198255")),
            fires("xanthine", WARNING),
            silent("seizure-disorder")),
        scenario(
            "theophylline with epilepsy is critical",
            patient().med(rx("198255")).condition(condition("84757009", "Epilepsy")),
            fires("xanthine", CRITICAL, "seizure-disorder"),
            fires("seizure-disorder", INFO)),
        scenario(
            "the aminophylline/ephedrine combination counts for both classes",
            patient().med(rx("484668")),
            fires("xanthine", WARNING),
            fires("sympathomimetic", WARNING)),
        // Lamotrigine, mood stabilizers, antipsychotics
        scenario(
            "lamotrigine by ATC code is info",
            patient().med(atc("N03AX09")),
            fires("lamotrigine", INFO)),
        scenario(
            "levetiracetam is not lamotrigine",
            patient().med(text("Levetiracetam 500 mg")),
            silent("lamotrigine")),
        scenario(
            "lithium is a mood stabilizer, not an antipsychotic",
            patient().med(atc("N05AN01")),
            fires("mood-stabilizer", INFO),
            silent("antipsychotic")),
        scenario(
            "Depakote by brand name is a mood stabilizer",
            patient().med(text("Depakote ER 500 mg")),
            fires("mood-stabilizer", INFO)),
        scenario(
            "quetiapine product code is an antipsychotic",
            patient().med(rx("312743")),
            fires("antipsychotic", INFO),
            silent("mood-stabilizer")),
        scenario(
            "the fluoxetine/olanzapine combination product counts for both classes",
            patient().med(rx("403969")),
            fires("ssri", INFO),
            fires("antipsychotic", INFO)),
        // CYP3A4 / CYP2B6
        scenario(
            "clarithromycin with IV ketamine is info",
            patient().order(ketamine(Route.INTRAVENOUS)).med(rx("197516")),
            fires("cyp-inhibitor", INFO)),
        scenario(
            "clarithromycin with oral ketamine is a warning",
            patient().order(ketamine(Route.ORAL)).med(rx("197516")),
            fires("cyp-inhibitor", WARNING, "oral-ketamine")),
        scenario(
            "topical ketoconazole shampoo is not a CYP inhibitor",
            patient().order(ketamine(Route.ORAL)).med(rx("106336")),
            silent("cyp-inhibitor")),
        scenario(
            "rifampin product code is a CYP inducer (info)",
            patient().med(rx("198201")),
            fires("cyp-inducer", INFO)),
        scenario("no inducer: no finding", patient().med(rx("197516")), silent("cyp-inducer")),
        scenario(
            "memantine product code is info",
            patient().med(rx("996561")),
            fires("memantine", INFO)),
        scenario(
            "donepezil is not memantine",
            patient().med(text("Donepezil 10 mg")),
            silent("memantine")),
        // Conditions
        scenario(
            "aneurysm (SNOMED) is critical",
            patient().condition(condition("432119003", "Aneurysm")),
            fires("bp-sensitive-vascular-disease", CRITICAL)),
        scenario(
            "an abdominal aortic aneurysm known only by name is critical",
            patient().condition(conditionText("Abdominal aortic aneurysm")),
            fires("bp-sensitive-vascular-disease", CRITICAL)),
        scenario(
            "essential hypertension is a warning",
            patient().condition(condition("59621000", "Essential hypertension")),
            fires("hypertension", WARNING),
            silent("bp-sensitive-vascular-disease")),
        scenario(
            "ischaemic heart disease is a warning",
            patient().condition(condition("414545008", "Ischemic heart disease")),
            fires("cardiovascular-disease", WARNING),
            silent("hypertension")),
        scenario(
            "schizophrenia is a warning",
            patient().condition(condition("58214004", "Schizophrenia")),
            fires("psychotic-disorder", WARNING)),
        scenario(
            "epilepsy alone is info",
            patient().condition(condition("84757009", "Epilepsy")),
            fires("seizure-disorder", INFO),
            silent("xanthine")),
        scenario(
            "glaucoma is info",
            patient().condition(condition("23986001", "Glaucoma")),
            fires("glaucoma", INFO)),
        scenario(
            "ocular hypertension is glaucoma, not hypertension",
            patient().condition(condition("4210003", "Ocular hypertension")),
            fires("glaucoma", INFO),
            silent("hypertension")),
        scenario(
            "cirrhosis is a warning",
            patient().condition(condition("19943007", "Cirrhosis of liver")),
            fires("liver-disease", WARNING)),
        scenario(
            "pregnancy is a warning",
            patient().condition(condition("77386006", "Pregnancy")),
            fires("pregnancy", WARNING)),
        scenario(
            "asthma fires no condition rule",
            patient().condition(condition("195967001", "Asthma")),
            silent("bp-sensitive-vascular-disease"),
            silent("hypertension"),
            silent("cardiovascular-disease"),
            silent("psychotic-disorder"),
            silent("seizure-disorder"),
            silent("glaucoma"),
            silent("liver-disease"),
            silent("pregnancy")),
        // Conditions as problem lists code them: ICD-10-CM, WHO ICD-10, OIDs, names
        scenario(
            "ICD-10-CM I11.9 is hypertension, and its title's 'without heart failure' is not",
            patient()
                .condition(
                    condition(
                        ICD10CM, "I11.9", "Hypertensive heart disease without heart failure")),
            fires("hypertension", WARNING),
            silent("cardiovascular-disease")),
        scenario(
            "ICD-10-CM I25.10 without dot or name is coded ischaemic heart disease",
            patient().condition(condition(ICD10CM, "I2510", "")),
            fires("cardiovascular-disease", WARNING)),
        scenario(
            "WHO ICD-10 I67.1 (cerebral aneurysm) is critical",
            patient().condition(condition(Code.ICD10, "I67.1", "Cerebral aneurysm, nonruptured")),
            fires("bp-sensitive-vascular-disease", CRITICAL)),
        scenario(
            "ICD-10-CM F33.3 (depression with psychotic symptoms) is a psychotic disorder",
            patient()
                .condition(
                    condition(
                        ICD10CM,
                        "F33.3",
                        "Major depressive disorder, recurrent, severe with psychotic symptoms")),
            fires("psychotic-disorder", WARNING)),
        scenario(
            "ICD-10-CM F33.2, 'without psychotic features', is not",
            patient()
                .condition(
                    condition(
                        ICD10CM,
                        "F33.2",
                        "Major depressive disorder, recurrent severe without psychotic features")),
            silent("psychotic-disorder")),
        scenario(
            "ICD-10-CM G40.909, H40.11X0, K76.0 and Z34.00 by code alone",
            patient()
                .condition(condition(ICD10CM, "G40.909", ""))
                .condition(condition(ICD10CM, "h40.11x0", ""))
                .condition(condition(ICD10CM, "K76.0", ""))
                .condition(condition(ICD10CM, "Z34.00", "")),
            fires("seizure-disorder", INFO),
            fires("glaucoma", INFO),
            fires("liver-disease", WARNING),
            fires("pregnancy", WARNING)),
        scenario(
            "an ICD-10-CM code outside the groups fires nothing (J45.909, asthma)",
            patient().condition(condition(ICD10CM, "J45.909", "")),
            silent("hypertension"),
            silent("cardiovascular-disease"),
            silent("bp-sensitive-vascular-disease"),
            silent("psychotic-disorder"),
            silent("liver-disease"),
            silent("pregnancy")),
        scenario(
            "SNOMED CT sent by its OID",
            patient().condition(condition("urn:oid:2.16.840.1.113883.6.96", "59621000", "")),
            fires("hypertension", WARNING)),
        scenario(
            "pulmonary and portal hypertension are not hypertension",
            patient()
                .condition(conditionText("Pulmonary hypertension"))
                .condition(conditionText("Portal hypertension")),
            silent("hypertension"),
            fires("liver-disease", WARNING)),
        scenario(
            "a family history of stroke and heat stroke are not the patient's stroke",
            patient()
                .condition(conditionText("Family history of stroke"))
                .condition(conditionText("FH: Cerebrovascular accident"))
                .condition(conditionText("Heat stroke"))
                .condition(conditionText("R/O CVA")),
            silent("cardiovascular-disease")),
        scenario(
            "HTN and a prior myocardial infarction by name",
            patient()
                .condition(conditionText("HTN"))
                .condition(conditionText("Old myocardial infarction")),
            fires("hypertension", WARNING),
            fires("cardiovascular-disease", WARNING)),
        // Family history and screening, however the condition is worded, are not the patient's
        scenario(
            "a family history or a screening of an aneurysm is not the patient's aneurysm",
            patient()
                .order(spravato())
                .condition(conditionText("Family history of aortic aneurysm"))
                .condition(condition(ICD10CM, "Z82.49", "Family history of cerebral aneurysm"))
                .condition(condition(ICD10CM, "Z13.6", "Screening for abdominal aortic aneurysm"))
                .condition(conditionText("FH: ruptured intracranial aneurysm")),
            silent("bp-sensitive-vascular-disease")),
        scenario(
            "the patient's own aneurysm after another clause is not hidden by a family history",
            patient()
                .order(spravato())
                .condition(conditionText("Family history of stroke; AAA 4.8 cm")),
            fires("bp-sensitive-vascular-disease", CRITICAL)),
        scenario(
            "nor by a screening or a negation in an earlier clause",
            patient()
                .order(spravato())
                .condition(conditionText("Screening ultrasound: AAA 5.1 cm"))
                .condition(conditionText("Rule out rupture of known AAA"))
                .condition(conditionText("Denies headache; known cerebral aneurysm")),
            fires("bp-sensitive-vascular-disease", CRITICAL)),
        scenario(
            "conditions after a denied or screened one in the same text still count",
            patient()
                .condition(conditionText("Screening colonoscopy normal; essential hypertension"))
                .condition(conditionText("Family history: none. Stroke 2019"))
                .condition(conditionText("No history of falls; hypertension")),
            fires("hypertension", WARNING),
            fires("cardiovascular-disease", WARNING)),
        scenario(
            "a screening that found the condition, and a condition after a screening's clause",
            patient()
                .order(spravato())
                .condition(conditionText("Positive screening for abdominal aortic aneurysm"))
                .condition(conditionText("Elevated BP on screening; essential hypertension"))
                .condition(conditionText("Denies chest pain. History of MI")),
            fires("bp-sensitive-vascular-disease", CRITICAL),
            fires("hypertension", WARNING),
            fires("cardiovascular-disease", WARNING)),
        scenario(
            "a relative's condition, a prevention and a heart's own aneurysm are not the patient's",
            patient()
                .order(spravato())
                .condition(conditionText("Mother with cerebral aneurysm"))
                .condition(conditionText("Father had a stroke at 60"))
                .condition(
                    conditionText("Atrial fibrillation, anticoagulated for stroke prevention"))
                .condition(conditionText("Left ventricular aneurysm")),
            silent("bp-sensitive-vascular-disease"),
            silent("cardiovascular-disease")),
        scenario(
            "seizures on the problem list, but not febrile seizures",
            patient().condition(conditionText("Seizures")),
            fires("seizure-disorder", INFO)),
        scenario(
            "febrile seizures are not a seizure disorder",
            patient().condition(conditionText("Febrile seizures in childhood")),
            silent("seizure-disorder")),
        scenario(
            "common abbreviations: NSTEMI, HFrEF, ICH",
            patient()
                .order(spravato())
                .condition(conditionText("NSTEMI 2021"))
                .condition(conditionText("Hx of ICH")),
            fires("cardiovascular-disease", WARNING),
            fires("bp-sensitive-vascular-disease", CRITICAL)),
        scenario(
            "alcohol dependence not in remission still counts",
            patient().condition(conditionText("Alcohol dependence, not in remission")),
            fires("alcohol-use-disorder", WARNING)),
        scenario(
            "an aneurysm subtype coded in SNOMED CT alone is the brief's 'and descendants'",
            patient().order(spravato()).condition(condition("233985008", "")),
            fires("bp-sensitive-vascular-disease", CRITICAL)),
        scenario(
            "a myocardial infarction and benign hypertension coded in SNOMED CT alone",
            patient().condition(condition("22298006", "")).condition(condition("1201005", "")),
            fires("cardiovascular-disease", WARNING),
            fires("hypertension", WARNING)),
        // Pregnancy
        scenario(
            "a negative pregnancy test and contraception counselling are no pregnancy",
            patient()
                .condition(
                    condition(ICD10CM, "Z32.02", "Encounter for pregnancy test, result negative"))
                .condition(condition(ICD10CM, "Z30.09", "Counseling for prevention of pregnancy")),
            silent("pregnancy")),
        scenario(
            "a positive pregnancy test is a pregnancy, by code or by name",
            patient().condition(conditionText("Encounter for pregnancy test, result positive")),
            fires("pregnancy", WARNING)),
        scenario(
            "ICD-10-CM pregnancy complications by code alone (O26.891, O24.410)",
            patient()
                .condition(condition(ICD10CM, "O26.891", ""))
                .condition(condition(ICD10CM, "O24.410", "")),
            fires("pregnancy", WARNING)),
        scenario(
            "postpartum and puerperium codes are not a pregnancy (O26.63, O24.43)",
            patient()
                .condition(condition(ICD10CM, "O26.63", ""))
                .condition(condition(ICD10CM, "O24.430", "")),
            silent("pregnancy")),
        // Alcohol use disorder in remission
        scenario(
            "alcohol dependence in remission is no current alcohol use",
            patient()
                .med(rx("6470"))
                .condition(condition(ICD10CM, "F10.21", ""))
                .condition(conditionText("Alcohol abuse, in sustained remission")),
            silent("alcohol-use-disorder"),
            fires("benzodiazepine", WARNING)),
        scenario(
            "current alcohol dependence (F10.20) still counts",
            patient().condition(condition(ICD10CM, "F10.20", "")),
            fires("alcohol-use-disorder", WARNING)),
        // Drugs coded by codes the brief's CSV does not list
        scenario(
            "buprenorphine-naloxone by ATC N07BC51 is an opioid that stacks with lorazepam",
            patient().med(atc("N07BC51")).med(rx("6470")),
            fires("opioid", CRITICAL, CNS),
            fires("benzodiazepine", CRITICAL, CNS)),
        scenario(
            "meperidine and zaleplon by RxNorm ingredient code",
            patient().med(rx("6754")).med(rx("74667")),
            fires("opioid", CRITICAL, CNS),
            fires("benzodiazepine", CRITICAL, CNS)),
        scenario(
            "tramadol-paracetamol by ATC alone (N02AJ13) counts as serotonergic",
            patient().med(rx("36437")).med(atc("N02AJ13")),
            fires("ssri", WARNING, SEROTONERGIC),
            fires("opioid", WARNING, SEROTONERGIC)),
        scenario(
            "phenylephrine as an oral decongestant (R01BA03) and Sudafed PE by name",
            patient().med(atc("R01BA03")).med(statement("Sudafed PE 10 mg tablet")),
            fires("sympathomimetic", WARNING)),
        scenario(
            "ketoconazole shampoo or cream by name is not a CYP inhibitor",
            patient()
                .order(ketamine(Route.ORAL))
                .med(text("Ketoconazole 2% shampoo"))
                .med(statement("Nizoral anti-dandruff shampoo"))
                .med(text("ketoconazole 20 mg/g cream"))
                .med(text("ketoconazole 20 MG/ML Medicated Shampoo")),
            silent("cyp-inhibitor")),
        scenario(
            "safinamide (Xadago) is an MAOI-B and Rivotril is clonazepam, by name",
            patient().med(statement("Xadago 50 mg tablet")).med(text("Rivotril 0.5 mg")),
            fires("maoi", CRITICAL),
            fires("benzodiazepine", WARNING)),
        scenario(
            "ketoconazole tablets by name are, wherever prescribed",
            patient()
                .order(ketamine(Route.ORAL))
                .med(text("Ketoconazole 200 mg tablet"))
                .med(text("Ketoconazole 200 mg tab (external Rx)")),
            fires("cyp-inhibitor", WARNING, "oral-ketamine")),
        scenario(
            "a negative pregnancy test next to a positive urine culture is no pregnancy",
            patient().condition(conditionText("Pregnancy test negative, positive for UTI")),
            silent("pregnancy")),
        scenario(
            "a past stroke raises the SNRI's pressor modifier, as it does the TCA's",
            patient()
                .med(rx("39786"))
                .condition(
                    new Condition(
                        "Condition/past-stroke",
                        List.of(Code.snomed("230690007")),
                        List.of("Stroke"),
                        Optional.of("resolved"))),
            fires("snri", WARNING, "raised-blood-pressure")),
        // Blood pressure
        scenario(
            "BP 150/95 is a warning",
            patient().bp(150, 95),
            fires("raised-blood-pressure", WARNING)),
        scenario(
            "BP 185/100 is critical",
            patient().bp(185, 100),
            fires("raised-blood-pressure", CRITICAL, "severe-hypertension")),
        scenario(
            "a diastolic of 112 alone is critical",
            patient().bp(130, 112),
            fires("raised-blood-pressure", CRITICAL, "severe-hypertension")),
        scenario(
            "BP 139/89 is below the threshold",
            patient().bp(139, 89),
            silent("raised-blood-pressure")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void ruleFiresAsExpected(Scenario scenario) {
    Evaluation evaluation = scenario.patient().evaluate();
    for (Expect expect : scenario.expected()) {
      Optional<Finding> finding =
          evaluation.findings().stream()
              .filter(f -> f.rule().id().equals(expect.rule()))
              .findFirst();
      if (expect.severity() == null) {
        assertThat(finding).as(expect.toString()).isEmpty();
      } else {
        assertThat(finding).as(expect.toString()).isPresent();
        assertThat(finding.get().severity()).as(expect.toString()).isEqualTo(expect.severity());
        assertThat(finding.get().appliedModifiers())
            .extracting(m -> m.modifier().id())
            .as(expect.toString())
            .containsExactlyInAnyOrderElementsOf(expect.modifiers());
      }
    }
  }

  @Test
  void aConditionSentAsACodeAloneIsNamedAsItsValueSetNamesTheCode() {
    Finding finding =
        patient()
            .order(spravato())
            .condition(condition("233985008", ""))
            .evaluate()
            .findings()
            .stream()
            .filter(f -> f.rule().id().equals("ketamine-bp-sensitive-vascular-disease"))
            .findFirst()
            .orElseThrow();
    assertThat(finding.conditions())
        .extracting(Condition::displayName)
        .containsExactly("Abdominal aortic aneurysm");
  }

  @Test
  void aTopicalProductLeftOutOfItsClassIsStillIdentifiedByItsCode() {
    Medication shampoo = rx("106336");
    assertThat(Fixtures.ENGINE.identifies(shampoo)).isTrue();
    assertThat(patient().order(ketamine(Route.ORAL)).med(shampoo).evaluate().findings()).isEmpty();
    assertThat(Fixtures.ENGINE.identifies(rx("999999999"))).isFalse();
  }

  @Test
  void everyRuleAndEveryModifierHasAFiringAndANonFiringScenario() {
    Set<String> fired = new HashSet<>();
    Set<String> silentRules = new HashSet<>();
    Set<String> applied = new HashSet<>();
    Set<String> notApplied = new HashSet<>();
    scenarios()
        .flatMap(s -> s.expected().stream())
        .forEach(
            e -> {
              if (e.severity() == null) {
                silentRules.add(e.rule());
                return;
              }
              fired.add(e.rule());
              Rule rule = PACK.rules().rule(e.rule()).orElseThrow();
              for (Modifier m : rule.modifiers()) {
                (e.modifiers().contains(m.id()) ? applied : notApplied)
                    .add(rule.id() + "/" + m.id());
              }
            });
    Set<String> rules = new HashSet<>();
    Set<String> modifiers = new HashSet<>();
    for (Rule rule : PACK.rules().rules()) {
      rules.add(rule.id());
      rule.modifiers().forEach(m -> modifiers.add(rule.id() + "/" + m.id()));
    }
    assertThat(fired).as("rules with a firing scenario").containsAll(rules);
    assertThat(silentRules).as("rules with a non-firing scenario").containsAll(rules);
    assertThat(applied).as("modifiers with a scenario that applies them").containsAll(modifiers);
    assertThat(notApplied).as("modifiers with a scenario that does not").containsAll(modifiers);
  }
}
