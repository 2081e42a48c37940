#!/usr/bin/env python3
"""Generates fhir-profiles/valuesets/*.json from the code lists in tools/sources/.

The generated JSON is committed and is what ships; this script only saves typing and keeps the
value sets consistent with the CSVs. Run it from anywhere after editing a CSV or the tables below:

    python3 fhir-profiles/tools/generate_valuesets.py

Then run the knowledge pack tests (see fhir-profiles/README.md). Output is deterministic (sorted,
no timestamps), so a diff shows exactly what changed.

Sources (copied unchanged from the clinical brief's shared knowledge folder):
- sources/ingredients-in-scope.csv: group, ingredient, RxNorm ingredient RxCUI, ATC, where checked
- sources/va-products-in-scope.csv: product-level RxCUIs (SCD/SBD) with their ingredient RxCUIs
"""
import csv
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "valuesets"
BASE = "https://ketamine-cds.example.org/fhir"
VERSION = "1.4.0"
DATE = "2026-11-22"
PUBLISHER = "Ketamine CDS knowledge team (pharmacy informatics)"

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10 = "http://hl7.org/fhir/sid/icd-10"

UNVERIFIED = BASE + "/StructureDefinition/code-unverified"
INGREDIENT = BASE + "/StructureDefinition/ingredient"
BRAND_USE = {"system": BASE + "/CodeSystem/designation-use", "code": "brand-name",
             "display": "Brand or trade name"}
SYNONYM_USE = {"system": BASE + "/CodeSystem/designation-use", "code": "synonym",
               "display": "Other name used in free text"}
EXCLUDED_USE = {"system": BASE + "/CodeSystem/designation-use", "code": "excluded-phrase",
                "display": "Phrase that does not mean this concept (blocks the names inside it)"}

# Brand (trade) names, matched in free text when no code is recognised. US brands unless noted.
BRANDS = {
    "ketamine": ["Ketalar"],
    "esketamine": ["Spravato"],
    "fluoxetine": ["Prozac", "Sarafem", "Symbyax"], "sertraline": ["Zoloft"], "paroxetine": ["Paxil", "Pexeva"],
    "citalopram": ["Celexa"], "escitalopram": ["Lexapro"], "fluvoxamine": ["Luvox"],
    "venlafaxine": ["Effexor"], "desvenlafaxine": ["Pristiq", "Khedezla"],
    "duloxetine": ["Cymbalta", "Drizalma"], "levomilnacipran": ["Fetzima"],
    "amitriptyline": ["Elavil"], "nortriptyline": ["Pamelor", "Aventyl"],
    "imipramine": ["Tofranil"], "clomipramine": ["Anafranil"], "desipramine": ["Norpramin"],
    "doxepin": ["Sinequan", "Silenor", "Zonalon", "Prudoxin"],
    "phenelzine": ["Nardil"], "tranylcypromine": ["Parnate"], "isocarboxazid": ["Marplan"],
    "selegiline": ["Emsam", "Eldepryl", "Zelapar"], "rasagiline": ["Azilect"],
    "linezolid": ["Zyvox"], "methylene blue": ["ProvayBlue"],
    "alprazolam": ["Xanax"], "lorazepam": ["Ativan"], "clonazepam": ["Klonopin", "Rivotril"],
    "diazepam": ["Valium", "Valtoco", "Diastat"], "midazolam": ["Versed", "Nayzilam", "Seizalam"],
    "temazepam": ["Restoril"], "triazolam": ["Halcion"], "chlordiazepoxide": ["Librium"],
    "oxazepam": ["Serax"], "clobazam": ["Onfi", "Sympazan"],
    "zolpidem": ["Ambien", "Edluar", "Intermezzo"], "eszopiclone": ["Lunesta"],
    "morphine": ["MS Contin", "Kadian"], "oxycodone": ["OxyContin", "Roxicodone", "Percocet"],
    "hydrocodone": ["Hysingla", "Zohydro", "Norco", "Vicodin"],
    "fentanyl": ["Duragesic", "Actiq", "Fentora", "Sublimaze"],
    "methadone": ["Dolophine", "Methadose"],
    "buprenorphine": ["Subutex", "Suboxone", "Zubsolv", "Butrans", "Belbuca", "Sublocade"],
    "hydromorphone": ["Dilaudid", "Exalgo"], "tramadol": ["Ultram", "ConZip"],
    "tapentadol": ["Nucynta"],
    "gabapentin": ["Neurontin", "Gralise", "Horizant"], "pregabalin": ["Lyrica"],
    "phenobarbital": ["Luminal"], "carisoprodol": ["Soma"],
    "amphetamine": ["Adderall", "Evekeo", "Adzenys"],
    "dextroamphetamine": ["Dexedrine", "Zenzedi"], "lisdexamfetamine": ["Vyvanse"],
    "methamphetamine": ["Desoxyn"],
    "methylphenidate": ["Ritalin", "Concerta", "Metadate", "Daytrana", "Quillichew"],
    "dexmethylphenidate": ["Focalin"], "modafinil": ["Provigil"], "armodafinil": ["Nuvigil"],
    "lamotrigine": ["Lamictal"],
    "lithium": ["Lithobid", "Eskalith"], "valproic acid": ["Depakene"], "divalproex": ["Depakote"],
    "quetiapine": ["Seroquel"], "olanzapine": ["Zyprexa", "Symbyax"],
    "risperidone": ["Risperdal"], "aripiprazole": ["Abilify"], "haloperidol": ["Haldol"],
    "clozapine": ["Clozaril"], "ziprasidone": ["Geodon"], "lurasidone": ["Latuda"],
    "clarithromycin": ["Biaxin"], "ketoconazole": ["Nizoral"], "itraconazole": ["Sporanox"],
    "voriconazole": ["Vfend"], "ritonavir": ["Norvir", "Paxlovid", "Kaletra"],
    "ticlopidine": ["Ticlid"],
    "rifampin": ["Rifadin", "Rimactane"], "carbamazepine": ["Tegretol", "Carbatrol", "Equetro"],
    "phenytoin": ["Dilantin"],
    "theophylline": ["Theo-24", "Uniphyl", "Elixophyllin", "Theochron"],
    "epinephrine": ["EpiPen", "Adrenalin"], "norepinephrine": ["Levophed"],
    "phenylephrine": ["Neo-Synephrine", "Sudafed PE"], "ephedrine": ["Akovaz"], "vasopressin": ["Vasostrict"],
    "memantine": ["Namenda"],
}

# UK (dm+d) brand names and other brands seen on medication lists, by ingredient: UK GP and
# hospital systems record products by these names. Combination products name each ingredient in a
# class ("Co-codamol" is codeine with paracetamol).
MORE_BRANDS = {
    # European names of racemic ketamine and of esketamine (S-ketamine) injection.
    "ketamine": ["Ketanest"], "esketamine": ["Ketanest S", "Ketanest-S"],
    "fluoxetine": ["Olena"], "sertraline": ["Lustral"], "paroxetine": ["Seroxat"],
    "citalopram": ["Cipramil"], "escitalopram": ["Cipralex"], "fluvoxamine": ["Faverin"],
    "venlafaxine": ["Efexor", "Vensir", "Venlalic"], "duloxetine": ["Yentreve"],
    "clomipramine": ["Anafranil SR"], "lorazepam": ["Loraz"], "diazepam": ["Stesolid"],
    "zolpidem": ["Stilnoct"], "morphine": ["Oramorph", "Zomorph", "MST Continus", "Sevredol",
                                            "MXL", "Morphgesic"],
    "oxycodone": ["OxyNorm", "Longtec", "Shortec", "Targinact", "Oxypro", "Lynlor", "Endocet",
                  "Roxicet", "Xtampza"],
    "hydrocodone": ["Lortab", "Xodol"],
    "fentanyl": ["Durogesic", "Matrifen", "Instanyl", "Abstral", "PecFent", "Effentora",
                 "Mezolar", "Fencino"],
    "buprenorphine": ["Transtec", "Buvidal", "Espranor", "Temgesic", "Hapoctasin", "Bupeaze"],
    "methadone": ["Physeptone", "Metharose"],
    "codeine": ["Co-codamol", "Zapain", "Kapake", "Solpadeine", "Solpadol", "Migraleve",
                "Codipar", "Tylex"],
    "tramadol": ["Zydol", "Tramacet", "Zamadol", "Maxitram", "Marol", "Tradorec", "Ultracet"],
    "tapentadol": ["Palexia"],
    "pregabalin": ["Alzain", "Axalid", "Lecaent"],
    "dextroamphetamine": ["Amfexa"], "lisdexamfetamine": ["Elvanse"],
    "methylphenidate": ["Medikinet", "Equasym", "Xaggitin", "Delmosart", "Matoride", "Xenidate"],
    "lithium": ["Priadel", "Camcolit", "Liskonum", "Li-Liquid"],
    "valproic acid": ["Epilim", "Episenta", "Dyzantil", "Convulex", "Belvo", "Epival"],
    "quetiapine": ["Biquelle", "Seroquel XL"], "olanzapine": ["ZypAdhera"],
    "aripiprazole": ["Abilify Maintena", "Aristada"], "clozapine": ["Zaponex", "Denzapine"],
    "clarithromycin": ["Klaricid"], "rifampin": ["Rifinah", "Rifater"], "phenytoin": ["Epanutin"],
    "theophylline": ["Uniphyllin", "Nuelin", "Slo-Phyllin"], "aminophylline": ["Phyllocontin"],
    "memantine": ["Ebixa", "Namzaric", "Valios"],
}

# Ingredients in the brief's classes that its CSV does not list: the brief defines these classes
# by ATC group (MAOIs N06AG, TCAs N06AA, benzodiazepines and Z-drugs N05BA/N05CD/N05CF, opioids
# N02A, antipsychotics N05A), so their ATC codes already match by the class's is-a filter; what
# was missing is their names, for the orders and lists that carry no code we know. ATC codes from
# the WHO ATC index and RxNorm ingredient RxCUIs where we have them (CPIC's drug table and
# RxNav), all flagged code-unverified until a pharmacist confirms them. Levorphanol has no WHO ATC
# code. class -> [(ingredient, ATC or None, [brand and other names], RxNorm ingredient or None)]
MORE_INGREDIENTS = {
    "maoi": [("moclobemide", "N06AG02", ["Manerix", "Aurorix"], None),
             ("safinamide", "N04BD03", ["Xadago"], None)],
    "tca": [("dosulepin", "N06AA16", ["dothiepin", "Prothiaden"], None),
            ("lofepramine", "N06AA07", ["Gamanil", "Feprapax"], None),
            ("trimipramine", "N06AA06", ["Surmontil"], "10834"),
            ("protriptyline", "N06AA11", ["Vivactil"], "8886"),
            ("amoxapine", "N06AA17", ["Asendin"], None)],
    "benzodiazepine": [("zopiclone", "N05CF01", ["Zimovane", "Imovane"], None),
                       ("zaleplon", "N05CF03", ["Sonata"], "74667"),
                       ("nitrazepam", "N05CD02", ["Mogadon"], None),
                       ("loprazolam", "N05CD11", [], None),
                       ("lormetazepam", "N05CD06", [], None),
                       ("flurazepam", "N05CD01", ["Dalmane"], "4501"),
                       ("estazolam", "N05CD04", ["ProSom"], "4077"),
                       ("clorazepate", "N05BA05", ["Tranxene"], None)],
    "opioid": [("dihydrocodeine", "N02AA08", ["DF118", "Co-dydramol", "DHC Continus"], None),
               ("pethidine", "N02AB02", ["meperidine", "Demerol"], "6754"),
               ("diamorphine", "N02AA09", ["heroin"], None),
               ("oxymorphone", "N02AA11", ["Opana"], "7814"),
               ("levorphanol", None, [], "6378"),
               ("alfentanil", "N01AH02", ["Alfenta", "Rapifen"], "480"),
               ("sufentanil", "N01AH03", ["Sufenta", "Dsuvia"], "56795"),
               ("remifentanil", "N01AH06", ["Ultiva"], "73032"),
               ("butorphanol", "N02AF01", ["Stadol"], "1841"),
               ("nalbuphine", "N02AF02", ["Nubain"], "7238"),
               ("levomethadone", "N07BC05", [], None)],
    "antipsychotic": [("chlorpromazine", "N05AA01", ["Largactil", "Thorazine"], "2403"),
                      ("fluphenazine", "N05AB02", ["Modecate"], None),
                      ("perphenazine", "N05AB03", [], "8076"),
                      ("trifluoperazine", "N05AB06", ["Stelazine"], None),
                      ("thioridazine", "N05AC02", ["Mellaril"], "10502"),
                      ("flupentixol", "N05AF01", ["flupenthixol", "Depixol", "Fluanxol"], None),
                      ("zuclopenthixol", "N05AF05", ["Clopixol"], "114176"),
                      ("pimozide", "N05AG02", ["Orap"], "8331"),
                      ("sulpiride", "N05AL01", ["Dolmatil"], None),
                      ("amisulpride", "N05AL05", ["Solian"], None),
                      ("asenapine", "N05AH05", ["Saphris", "Sycrest"], None),
                      ("paliperidone", "N05AX13", ["Invega", "Xeplion", "Trevicta", "Byannli"], None),
                      ("cariprazine", "N05AX15", ["Vraylar", "Reagila"], None),
                      ("brexpiprazole", "N05AX16", ["Rexulti"], None)],
}

# Other names found in free text (salts, spellings, herbal names).
SYNONYMS = {
    "ketamine": ["ketamin"],  # German and Scandinavian spelling
    "esketamine": ["S-ketamine", "S(+)-ketamine"],
    "dextroamphetamine": ["dexamfetamine", "dexamphetamine"],
    "valproic acid": ["valproate", "sodium valproate", "valproate semisodium"],
    "divalproex": ["divalproex sodium"],
    "St. John's wort": ["St John's wort", "St Johns wort", "Saint John's wort", "hypericum"],
    "methylene blue": ["methylthioninium"],
    "rifampin": ["rifampicin"],
    "lithium": ["lithium carbonate"],
    "epinephrine": ["adrenaline"],
    "norepinephrine": ["noradrenaline"],
    "lisdexamfetamine": ["lisdexamphetamine"],
}

# Codes the clinical brief does not give, added so that common coding variants still match.
# They are flagged code-unverified until a pharmacist confirms them against the authority.
EXTRA_UNVERIFIED_ATC = {
    "gabapentin": ["N03AX12"],  # ATC before the 2023 move to N02BF01
    "pregabalin": ["N03AX16"],  # ATC before the 2023 move to N02BF02
    # Opioids classed under drugs used in opioid dependence (N07BC), and combination products
    # (N02AJ: an opioid with a non-opioid analgesic), so that the card names the opioid and
    # tramadol counts as serotonergic.
    "buprenorphine": ["N07BC01", "N07BC51"],
    "tramadol": ["N02AJ13", "N02AJ14", "N02AJ15"],
    "codeine": ["N02AJ06", "N02AJ07", "N02AJ08", "N02AJ09"],
    "oxycodone": ["N02AJ17", "N02AJ18", "N02AJ19"],
    # Sympathomimetics outside the cardiac group: decongestants (R01BA, nasal R01AA), ephedrine for
    # airways (R03CA), epinephrine inhaled (R03AA) and in dental preparations (A01AD).
    "phenylephrine": ["R01BA03", "R01AA04"],
    "ephedrine": ["R03CA02", "R01AA03"],
    "epinephrine": ["R03AA01", "A01AD01"],
    # Amitriptyline with a psycholeptic (perphenazine or chlordiazepoxide).
    "amitriptyline": ["N06CA01"],
}

# Phrases naming a drug that do not mean systemic exposure to it: topical ketoconazole has none, so
# no CYP3A4 effect on ketamine ("ketoconazole 2% shampoo", "Nizoral anti-dandruff shampoo"). An
# excluded phrase covers the names inside it; "..." stands for up to three words.
DRUG_EXCLUDED_PHRASES = {
    "ketoconazole": [f"{name} ... {form}" for name in ("ketoconazole", "Nizoral")
                     for form in ("shampoo", "cream", "foam", "gel", "lotion", "ointment", "medicated",
                                  "topical", "cutaneous", "scalp")]
                    + ["topical ketoconazole", "Nizoral A-D", "Nizoral AD"],
}

# Products in the CSV left out on purpose, with the reason (stated in the value set description).
EXCLUDED_PRODUCTS = {
    # Topical ketoconazole: negligible systemic exposure, so no CYP3A4 effect on ketamine.
    "106336", "203088", "240812", "647253", "728550",
}

# Drug classes: value set name -> (title, CSV groups, ATC class prefixes, extra ingredients by
# name from other groups, description of scope).
DRUG_CLASSES = {
    "ketamine": ("Ketamine (any route)", ["trigger:ketamine"], [], [],
                 "Ketamine, any route (IV, IM, intranasal, oral, compounded)."),
    "esketamine": ("Esketamine (Spravato nasal spray)", ["trigger:esketamine"], [], [],
                   "Esketamine (Spravato)."),
    "maoi": ("Monoamine oxidase inhibitors and MAOI-acting drugs", ["maoi", "maoi-like"],
             ["N06AF", "N06AG", "N04BD"], [],
             "Non-selective and MAO-B inhibitors (ATC N06AF, N06AG, N04BD) and drugs with MAOI"
             " activity (linezolid, methylene blue)."),
    "tca": ("Tricyclic antidepressants", ["tca"], ["N06AA"], [],
            "Tricyclic antidepressants (ATC N06AA)."),
    "snri": ("Serotonin-norepinephrine reuptake inhibitors", ["snri"], [], [],
             "SNRIs: venlafaxine, desvenlafaxine, duloxetine, levomilnacipran (by ATC code; the"
             " N06AX group also holds unrelated drugs, so no class prefix)."),
    "ssri": ("Selective serotonin reuptake inhibitors", ["ssri"], ["N06AB"], [],
             "SSRIs (ATC N06AB)."),
    "serotonergic": ("Serotonergic agents", ["ssri", "snri", "tca", "maoi", "maoi-like"],
                     ["N06AB", "N06AA", "N06AF", "N06AG", "N04BD"], ["tramadol", "St. John's wort"],
                     "Every agent the brief counts towards serotonergic load: SSRIs, SNRIs, TCAs,"
                     " MAOIs and MAOI-acting drugs, tramadol and St John's wort. Used to count"
                     " distinct serotonergic agents, not as a rule subject of its own."),
    "benzodiazepine": ("Benzodiazepines and Z-drugs", ["benzodiazepine", "z-drug"],
                       ["N05BA", "N05CD", "N03AE", "N05CF"], [],
                       "Benzodiazepines (ATC N05BA, N05CD, N03AE) and Z-drugs (N05CF)."),
    "opioid": ("Opioids", ["opioid"], ["N02A", "N01AH"], [],
               "Opioid analgesics (ATC N02A, N01AH) and opioids classed elsewhere in ATC"
               " (hydrocodone and codeine R05DA, methadone N07BC)."),
    "gabapentinoid": ("Gabapentinoids", ["cns-depressant:gabapentin", "cns-depressant:pregabalin"],
                      ["N02BF"], [], "Gabapentin and pregabalin (ATC N02BF)."),
    "barbiturate": ("Barbiturates", ["cns-depressant:phenobarbital"], ["N03AA", "N05CA"], [],
                    "Barbiturates (ATC N03AA, N05CA)."),
    "other-cns-depressant": ("Other CNS depressants", ["cns-depressant"], ["N02BF", "N03AA", "N05CA"],
                             [], "Gabapentinoids, barbiturates and carisoprodol."),
    "psychostimulant": ("Psychostimulants", ["psychostimulant"], ["N06BA"], [],
                        "Centrally acting sympathomimetics (ATC N06BA): amphetamines,"
                        " methylphenidate, modafinil, armodafinil."),
    "sympathomimetic": ("Sympathomimetics and vasopressin", ["sympathomimetic"], [], [],
                        "Epinephrine, norepinephrine, phenylephrine, ephedrine and vasopressin."),
    "xanthine": ("Theophylline and aminophylline", ["xanthine"], [], [],
                 "Theophylline and aminophylline."),
    "lamotrigine": ("Lamotrigine", ["lamotrigine"], [], [], "Lamotrigine."),
    "mood-stabilizer": ("Mood stabilizers: lithium and valproate", ["mood-stabilizer"], [], [],
                        "Lithium, valproic acid and divalproex."),
    "antipsychotic": ("Antipsychotics", ["antipsychotic"],
                      ["N05AA", "N05AB", "N05AC", "N05AD", "N05AE", "N05AF", "N05AG", "N05AH",
                       "N05AL", "N05AX"], [],
                      "Antipsychotics (ATC N05A except N05AN lithium, which is a mood stabilizer"
                      " here)."),
    "cyp-inhibitor": ("CYP3A4 / CYP2B6 inhibitors", ["cyp-inhibitor"], [], [],
                      "Clarithromycin, ketoconazole, itraconazole, voriconazole, ritonavir,"
                      " ticlopidine."),
    "cyp-inducer": ("CYP3A4 / CYP2B6 inducers", ["cyp-inducer"], [], [],
                    "Rifampin, carbamazepine, phenytoin and St John's wort (OTC/herbal)."),
    "memantine": ("Memantine", ["nmda-antagonist"], [], [], "Memantine."),
}

# Condition groups (SNOMED CT), with names for free-text matching.
CONDITION_GROUPS = {
    "bp-sensitive-vascular-disease": (
        "Vascular disease where a blood-pressure rise is dangerous",
        [("432119003", "Aneurysmal vascular disease"),
         ("234141001", "Arteriovenous malformation"),
         ("234142008", "Arteriovenous malformation"),
         ("274100004", "Intracerebral haemorrhage"),
         ("1386000", "Intracranial haemorrhage")],
        ["aneurysm", "aneurysmal vascular disease", "arteriovenous malformation",
         "intracerebral hemorrhage", "intracerebral haemorrhage", "cerebral hemorrhage",
         "intracranial hemorrhage", "intracranial haemorrhage"],
        "Aneurysmal vascular disease (432119003; descendants are not expanded here, so specific"
        " aneurysm codes match by name), arteriovenous malformation, history of intracerebral"
        " haemorrhage: the esketamine label's contraindications."),
    "hypertension": (
        "Hypertension",
        [("38341003", "Hypertensive disorder"), ("59621000", "Essential hypertension")],
        ["hypertension", "high blood pressure"],
        "Hypertension on the problem list."),
    "cardiovascular-disease": (
        "Cardiovascular disease",
        [("414545008", "Ischaemic heart disease"), ("84114007", "Heart failure"),
         ("230690007", "Stroke")],
        ["ischemic heart disease", "ischaemic heart disease", "coronary artery disease",
         "heart failure", "stroke", "cerebrovascular accident"],
        "Ischaemic heart disease, heart failure, stroke."),
    "psychotic-disorder": (
        "Psychotic disorders",
        [("69322001", "Psychotic disorder"), ("58214004", "Schizophrenia")],
        ["psychosis", "psychotic disorder", "schizophrenia", "schizoaffective disorder"],
        "Psychotic disorder, schizophrenia."),
    "seizure-disorder": (
        "Seizure disorders",
        [("128613002", "Seizure disorder"), ("84757009", "Epilepsy")],
        ["seizure disorder", "epilepsy"],
        "Seizure disorder, epilepsy."),
    "glaucoma": (
        "Glaucoma and ocular hypertension",
        [("23986001", "Glaucoma"), ("4210003", "Ocular hypertension")],
        ["glaucoma", "ocular hypertension"],
        "Glaucoma, ocular hypertension."),
    "liver-disease": (
        "Liver disease",
        [("235856003", "Liver disease"), ("19943007", "Cirrhosis of liver"),
         ("59927004", "Hepatic failure")],
        ["liver disease", "cirrhosis", "hepatic failure", "liver failure"],
        "Liver disease, cirrhosis, hepatic failure."),
    "pregnancy": (
        "Pregnancy",
        [("77386006", "Pregnancy")],
        ["pregnancy", "pregnant"],
        "Pregnancy recorded as a condition."),
}

# Common SNOMED CT concepts below the brief's ones, as problem lists code them (the brief names
# "432119003 and descendants" for aneurysm; the matching has no terminology server to expand
# descendants). Chosen by the knowledge team, flagged code-unverified until checked against a
# SNOMED CT release. Their names are matched in free text through the group's names anyway.
SNOMED_DESCENDANTS = {
    "bp-sensitive-vascular-disease": [
        ("67362008", "Aortic aneurysm"), ("233985008", "Abdominal aortic aneurysm"),
        ("433068007", "Thoracic aortic aneurysm"), ("128609009", "Intracranial aneurysm")],
    "hypertension": [
        ("1201005", "Benign essential hypertension"),
        ("78975002", "Malignant essential hypertension"),
        ("31992008", "Secondary hypertension"), ("64715009", "Hypertensive heart disease")],
    "cardiovascular-disease": [
        ("22298006", "Myocardial infarction"), ("57054005", "Acute myocardial infarction"),
        ("1755008", "Old myocardial infarction"), ("399211009", "History of myocardial infarction"),
        ("194828000", "Angina"), ("53741008", "Coronary arteriosclerosis"),
        ("42343007", "Congestive heart failure"), ("422504002", "Ischemic stroke"),
        ("432504007", "Cerebral infarction")],
    "psychotic-disorder": [("35252006", "Disorganized schizophrenia"),
                           ("79866005", "Paranoid schizophrenia"),
                           ("68890003", "Schizoaffective disorder")],
}

# Condition groups whose codes the brief does not give: every code is flagged unverified.
UNVERIFIED_CONDITION_GROUPS = {
    "alcohol-use-disorder": (
        "Alcohol use disorder",
        [("7200002", "Alcoholism"), ("66590003", "Alcohol dependence"),
         ("15167005", "Alcohol abuse")],
        ["alcohol use disorder", "alcoholism", "alcohol dependence", "alcohol abuse"],
        "Alcohol use disorder, counted as a CNS depressant. The brief names the condition but"
        " gives no codes; these SNOMED CT codes are flagged code-unverified until confirmed."),
}


# ICD-10 categories per condition group: problem lists carry ICD-10-CM (US) or WHO ICD-10 codes as
# often as SNOMED CT. The brief gives SNOMED CT only; these categories were chosen by the knowledge
# team from the ICD-10-CM tabular list (CDC/NCHS, FY2026) and the WHO ICD-10 2019 tabular list, to
# cover what the brief's SNOMED CT concept covers. Each is an is-a filter: the code and every code
# below it (I25 includes I25.10). (ICD-10-CM codes, WHO ICD-10 codes).
ICD_CATEGORIES = {
    "bp-sensitive-vascular-disease": (
        # aortic aneurysm and dissection; other aneurysm; cerebral aneurysm (nonruptured); aneurysm
        # of the pulmonary and coronary arteries; aortic aneurysm in other diseases; nontraumatic
        # subarachnoid, intracerebral and other intracranial haemorrhage and their sequelae;
        # arteriovenous malformations (peripheral, precerebral, cerebral).
        ["I71", "I72", "I67.1", "I28.1", "I25.4", "I79.0", "I60", "I61", "I62", "I69.0", "I69.1",
         "I69.2", "Q27.3", "Q28.0", "Q28.1", "Q28.2", "Q28.3"],
        ["I71", "I72", "I67.1", "I28.1", "I25.4", "I79.0", "I60", "I61", "I62", "I69.0", "I69.1",
         "I69.2", "Q27.3", "Q28.0", "Q28.1", "Q28.2", "Q28.3"]),
    "hypertension": (
        # hypertensive diseases; hypertension in pregnancy (pre-existing, gestational,
        # pre-eclampsia, eclampsia, unspecified).
        ["I10", "I11", "I12", "I13", "I15", "I16", "I1A", "O10", "O11", "O13", "O14", "O15", "O16"],
        ["I10", "I11", "I12", "I13", "I15", "O10", "O11", "O13", "O14", "O15", "O16"]),
    "cardiovascular-disease": (
        # ischaemic heart diseases; heart failure (also with hypertensive heart disease);
        # cerebral infarction, stroke, sequelae of cerebrovascular disease, history of stroke.
        ["I20", "I21", "I22", "I23", "I24", "I25", "I50", "I11.0", "I13.0", "I13.2", "I09.81",
         "I63", "I69", "Z86.73"],
        ["I20", "I21", "I22", "I23", "I24", "I25", "I50", "I11.0", "I13.0", "I13.2", "I63",
         "I64", "I69", "Z86.73"]),
    "psychotic-disorder": (
        # schizophrenia, delusional, brief psychotic, schizoaffective and other psychotic
        # disorders; mood episodes with psychotic features.
        ["F20", "F22", "F23", "F24", "F25", "F28", "F29", "F30.2", "F31.2", "F31.5", "F31.64",
         "F32.3", "F33.3"],
        ["F20", "F22", "F23", "F24", "F25", "F28", "F29", "F30.2", "F31.2", "F31.5", "F32.3",
         "F33.3"]),
    "seizure-disorder": (
        # epilepsy and recurrent seizures (ICD-10-CM codes status epilepticus inside G40).
        ["G40"],
        ["G40", "G41"]),
    "glaucoma": (
        # glaucoma (glaucoma suspect and ocular hypertension included), glaucoma in other
        # diseases, congenital glaucoma.
        ["H40", "H42", "Q15.0"],
        ["H40", "H42", "Q15.0"]),
    "liver-disease": (
        # diseases of liver; viral hepatitis.
        ["K70", "K71", "K72", "K73", "K74", "K75", "K76", "K77", "B15", "B16", "B17", "B18",
         "B19"],
        ["K70", "K71", "K72", "K73", "K74", "K75", "K76", "K77", "B15", "B16", "B17", "B18",
         "B19"]),
    "pregnancy": (
        # pregnant state; positive pregnancy test; supervision of normal and high-risk pregnancy;
        # weeks of gestation; ectopic and molar pregnancy; maternal disorders predominantly
        # related to pregnancy (haemorrhage in early pregnancy, hyperemesis, venous complications,
        # genitourinary infections, gestational diabetes in pregnancy, malnutrition in pregnancy,
        # other pregnancy-related conditions, abnormal antenatal screening, anaesthesia during
        # pregnancy); maternal care related to the fetus and amniotic cavity (O30-O48). Categories
        # whose codes also cover childbirth or the puerperium are taken only at the pregnancy
        # subcodes (O24.41, O25.1, O26.0-O26.5, O26.61, O26.71, O26.8, O26.9).
        ["Z33.1", "Z32.01", "Z34", "O09", "Z3A", "O00", "O01", "O02", "O20", "O21", "O22", "O23",
         "O24.41", "O25.1", "O26.0", "O26.1", "O26.2", "O26.3", "O26.4", "O26.5", "O26.61",
         "O26.71", "O26.8", "O26.9", "O28", "O29", "O30", "O31", "O32", "O33", "O34", "O35",
         "O36", "O40", "O41", "O42", "O43", "O44", "O45", "O46", "O47", "O48"],
        ["Z33", "Z34", "Z35", "O00", "O01", "O02", "O20", "O21", "O22", "O23", "O24.4", "O25",
         "O26", "O28", "O29", "O30", "O31", "O32", "O33", "O34", "O35", "O36", "O40", "O41", "O42",
         "O43", "O44", "O45", "O46", "O47", "O48"]),
    "alcohol-use-disorder": (
        # alcohol abuse / harmful use; alcohol dependence. ICD-10-CM's "in remission" codes (F10.11,
        # F10.21) are left out: every other code below F10.1 and F10.2 is listed.
        ["F10.10", "F10.12", "F10.13", "F10.14", "F10.15", "F10.18", "F10.19", "F10.20", "F10.22",
         "F10.23", "F10.24", "F10.25", "F10.26", "F10.27", "F10.28", "F10.29"],
        ["F10.1", "F10.2"]),
}

# Names of common, more specific conditions below the brief's concepts, and abbreviations seen on
# problem lists; matched in free text like the group's own names.
MORE_CONDITION_NAMES = {
    "bp-sensitive-vascular-disease": [
        "aortic dissection", "dissection of aorta", "subarachnoid hemorrhage",
        "subarachnoid haemorrhage", "avm", "aaa", "ich", "sah", "brain bleed"],
    "hypertension": [
        "htn", "hypertensive heart disease", "hypertensive chronic kidney disease",
        "hypertensive heart and chronic kidney disease",
        "hypertensive crisis", "hypertensive urgency", "hypertensive emergency",
        "pre eclampsia", "preeclampsia"],
    "cardiovascular-disease": [
        "myocardial infarction", "angina", "coronary heart disease", "coronary atherosclerosis",
        "atherosclerotic heart disease", "cerebral infarction", "cad", "chf", "cva",
        "heart attack", "stemi", "nstemi", "ihd", "hfref", "hfpef", "hfmref",
        "congestive cardiac failure", "cardiac failure", "ischemic stroke", "ischaemic stroke",
        "cabg", "coronary artery bypass", "hx mi", "h o mi", "old mi", "history of mi",
        "prior mi", "previous mi", "s p mi"],
    "psychotic-disorder": [
        "delusional disorder", "schizophreniform disorder", "psychotic features",
        "psychotic symptoms", "schizoaffective", "psychotic depression"],
    "seizure-disorder": ["status epilepticus", "epileptic", "seizures", "recurrent seizures"],
    "pregnancy": ["pregnancy test ... positive", "positive pregnancy test",
                  "positive ... pregnancy test"],
    "liver-disease": [
        "hepatitis", "fatty liver", "steatohepatitis", "hepatic steatosis", "nafld", "nash",
        "masld", "mash", "portal hypertension", "hepatic encephalopathy"],
}

# Phrases that contain a group's name but do not mean the condition. Each is longer than the name
# inside it, so the name does not match there. Beyond these, every name of every group is excluded
# after a negation or in a family history (NOT_THE_PATIENT): "without heart failure" in the
# ICD-10-CM title of I11.9, "family history of stroke".
EXCLUDED_PHRASES = {
    # Aneurysms of the heart itself are not the vascular disease of the esketamine label.
    "bp-sensitive-vascular-disease": [
        "ventricular aneurysm", "left ventricular aneurysm", "cardiac aneurysm",
        "atrial septal aneurysm", "aneurysm of heart"],
    "hypertension": [
        "pulmonary hypertension", "pulmonary arterial hypertension", "pulmonary htn",
        "intracranial hypertension", "white coat hypertension", "white-coat hypertension"],
    "cardiovascular-disease": [
        "heat stroke", "ludwig's angina", "ludwig angina", "vincent's angina"],
    "seizure-disorder": ["non epileptic", "psychogenic non epileptic", "febrile seizures",
                         "febrile seizure", "non epileptic seizures"],
    # In remission: no drinking now, so no added sedation ("Alcohol dependence, in sustained
    # remission"; the ICD-10-CM remission codes are left out of the group too).
    "alcohol-use-disorder": [
        f"{n} {severity}in {kind}remission"
        for n in ("alcohol use disorder", "alcoholism", "alcohol dependence", "alcohol abuse")
        for severity in ("", "mild ", "moderate ", "severe ", "uncomplicated ")
        for kind in ("", "early ", "sustained ", "full ", "partial ", "early full ",
                     "sustained full ", "early partial ", "sustained partial ")],
    "liver-disease": [
        "hepatitis a vaccination", "hepatitis b vaccination", "hepatitis a vaccine",
        "hepatitis b vaccine", "immune to hepatitis", "screening for hepatitis",
        "hepatitis b screening", "hepatitis c screening"],
    "pregnancy": [
        "not pregnant", "not currently pregnant", "negative pregnancy test",
        "pregnancy test negative", "pregnancy ruled out",
        # A pregnancy test is no pregnancy (a positive one is: a name of the group); nor is
        # preventing one.
        "pregnancy test", "prevention of pregnancy", "pregnancy prevention",
        "unplanned pregnancy prevention",
        # A past pregnancy is no pregnancy now ("history of" counts for other conditions).
        "history of pregnancy", "history of complications of pregnancy",
        "personal history of complications of pregnancy", "previous pregnancy",
        "prior pregnancy"],
}
# "..." stands for up to three words within one clause (a gap never runs across ; : . , ( ) or a
# dash between spaces), so that "family history of ... {}" also covers "Family history of cerebral
# aneurysm" and "screening for ... {}" "Screening for abdominal aortic aneurysm". Only a family
# history and a screening take a gap: after a negation the words between may name what is denied
# ("Rule out rupture of known AAA" is an aneurysm), and "risk of recurrent stroke" is a patient who
# had one.
NOT_THE_PATIENT = ["without {}", "no {}", "not {}", "{} ruled out", "rule out {}", "r/o {}",
                   "family history of ... {}", "family history ... {}", "fh ... {}",
                   "family hx of ... {}", "family hx ... {}",
                   # A negation with a qualifier, a screening or a risk is not the condition
                   # either. "History of {}" is: the patient had it.
                   "no known {}", "no history of {}", "no hx of {}", "no evidence of {}",
                   "no signs of {}", "denies {}", "negative for {}", "screening for ... {}",
                   "screening ... {}", "{} screening", "at risk for {}", "at risk of {}",
                   "risk of {}", "risk for {}", "without diagnosis of {}",
                   "without a diagnosis of {}", "no diagnosis of {}",
                   # A relative's condition ("Father had a stroke at 60", "Mother: aneurysm").
                   "mother ... {}", "father ... {}", "brother ... {}", "sister ... {}",
                   "sibling ... {}", "grandmother ... {}", "grandfather ... {}", "aunt ... {}",
                   "uncle ... {}",
                   # Prevention is for a condition the patient does not have.
                   "{} prevention", "prevention of {}", "{} prophylaxis"]


FOUND_ON_SCREENING = ["positive screening for ... {}", "{} screening positive",
                      "screening positive for ... {}"]


# Blood-pressure codes; "S:" marks SNOMED CT, the rest are LOINC.
BP_PANELS = [
    ("85354-9", "Blood pressure panel with all children optional"),
    ("55284-4", "Blood pressure systolic and diastolic"),
    ("35094-2", "Blood pressure panel"),
    ("S:75367002", "Blood pressure"),
    ("S:163020007", "On examination - blood pressure reading"),
    ("S:163033001", "Lying blood pressure reading"),
    ("S:163034007", "Standing blood pressure reading"),
    ("S:163035008", "Sitting blood pressure reading"),
]
BP_SYSTOLIC = [
    ("8480-6", "Systolic blood pressure"),
    ("8459-0", "Systolic blood pressure--sitting"),
    ("8460-8", "Systolic blood pressure--standing"),
    ("8461-6", "Systolic blood pressure--supine"),
    ("76534-7", "Systolic blood pressure by Noninvasive"),
    ("S:271649006", "Systolic blood pressure"),
    ("S:72313002", "Systolic arterial pressure"),
    ("S:407556006", "Lying systolic blood pressure"),
    ("S:400974009", "Standing systolic blood pressure"),
    ("S:407554009", "Sitting systolic blood pressure"),
]
BP_DIASTOLIC = [
    ("8462-4", "Diastolic blood pressure"),
    ("8453-3", "Diastolic blood pressure--sitting"),
    ("8454-1", "Diastolic blood pressure--standing"),
    ("8455-8", "Diastolic blood pressure--supine"),
    ("76535-4", "Diastolic blood pressure by Noninvasive"),
    ("S:271650006", "Diastolic blood pressure"),
    ("S:1091811000000102", "Diastolic arterial pressure"),
    ("S:407557002", "Lying diastolic blood pressure"),
    ("S:400975005", "Standing diastolic blood pressure"),
    ("S:407555005", "Sitting diastolic blood pressure"),
]


def read_csv(name):
    with open(HERE / "sources" / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def pascal(name):
    return "".join(part.capitalize() for part in name.replace("-", " ").split())


def designations(ingredient):
    brands = BRANDS.get(ingredient, []) + MORE_BRANDS.get(ingredient, [])
    result = [{"use": BRAND_USE, "value": b} for b in brands]
    result += [{"use": SYNONYM_USE, "value": s} for s in SYNONYMS.get(ingredient, [])]
    result += [{"use": EXCLUDED_USE, "value": s} for s in DRUG_EXCLUDED_PHRASES.get(ingredient, [])]
    return result


def concept(code, display, ingredients=(), unverified=False, names=()):
    c = {}
    ext = []
    if unverified:
        ext.append({"url": UNVERIFIED, "valueBoolean": True})
    ext += [{"url": INGREDIENT, "valueString": i} for i in ingredients]
    if ext:
        c["extension"] = ext
    c["code"] = code
    c["display"] = display
    if names:
        c["designation"] = list(names)
    return c


def product_display(name):
    # VA names are cut at 50 characters; drop the dangling "[VA Product" tag.
    return name.replace(" [VA Product", "").strip()


def main():
    ingredients = read_csv("ingredients-in-scope.csv")
    products = read_csv("va-products-in-scope.csv")
    by_rxcui = {r["rxnorm_ingredient_rxcui"]: r for r in ingredients}
    OUT.mkdir(exist_ok=True)
    written = []

    for name, (title, groups, prefixes, extra_names, scope) in DRUG_CLASSES.items():
        rows = []
        for g in groups:
            group, _, only = g.partition(":")
            rows += [r for r in ingredients if r["group"] == group and (not only or r["ingredient"] == only)]
        rows += [r for r in ingredients if r["ingredient"] in extra_names]
        members = {r["ingredient"] for r in rows}
        rx_concepts, atc_concepts, checked = [], [], {}
        for r in rows:
            ing = r["ingredient"]
            checked.setdefault(r["verified_from"], []).append(ing)
            if r["rxnorm_ingredient_rxcui"] != "UNVERIFIED":
                rx_concepts.append(concept(r["rxnorm_ingredient_rxcui"], ing, names=designations(ing)))
            # Brand names sit on the RxNorm ingredient; without one (esketamine), on the first ATC.
            no_rxcui = r["rxnorm_ingredient_rxcui"] == "UNVERIFIED"
            for i, atc in enumerate(filter(None, r["atc"].split(";"))):
                names = designations(ing) if no_rxcui and i == 0 else ()
                atc_concepts.append(concept(atc, ing, names=names))
            for atc in EXTRA_UNVERIFIED_ATC.get(ing, []):
                atc_concepts.append(concept(atc, ing, unverified=True))
        classes = [name] if name != "serotonergic" else ["ssri", "snri", "tca", "maoi"]
        more = [m for c in classes for m in MORE_INGREDIENTS.get(c, [])]
        for ing, atc, names, rxcui in more:
            members.add(ing)
            names = [{"use": BRAND_USE if n[0].isupper() else SYNONYM_USE, "value": n}
                     for n in names]
            if rxcui:
                rx_concepts.append(concept(rxcui, ing, unverified=True, names=names))
                names = []
            if atc:
                atc_concepts.append(concept(atc, ing, unverified=True, names=names))
            elif names or not rxcui:
                # No code at all: the name alone, on a concept of our own code system.
                raise SystemExit(f"{ing}: an ingredient needs an ATC or RxNorm code")
        # Trigger extras from the brief: the salt and the esketamine nasal-spray forms.
        if name == "ketamine":
            rx_concepts.append(concept("203184", "ketamine hydrochloride", ["ketamine"]))
        if name == "esketamine":
            rx_concepts.append(concept("2201623", "esketamine 28 MG nasal spray", ["esketamine"], unverified=True))
            rx_concepts.append(concept("2201625", "Spravato 28 MG nasal spray", ["esketamine"], unverified=True))
        # Products: every product with at least one ingredient in this class.
        seen = {c["code"] for c in rx_concepts}
        product_count = 0
        excluded = 0
        for p in products:
            names = p["ingredients"].split("|")
            inside = [n for n in names if n in members]
            if not inside or p["product_rxcui"] in seen:
                continue
            if p["product_rxcui"] in EXCLUDED_PRODUCTS:
                excluded += 1
                continue
            seen.add(p["product_rxcui"])
            rx_concepts.append(concept(p["product_rxcui"], product_display(p["va_product_name"]), inside))
            product_count += 1
        includes = []
        if rx_concepts:
            includes.append({"system": RXNORM, "concept": rx_concepts})
        if atc_concepts:
            includes.append({"system": ATC, "concept": atc_concepts})
        if prefixes:
            includes.append({"system": ATC, "filter": [{"property": "concept", "op": "is-a", "value": v} for v in prefixes]})
        where = "; ".join(f"{', '.join(sorted(ings))}: {src}" for src, ings in sorted(checked.items()))
        description = (
            f"{scope} RxNorm ingredient and ATC codes come from the clinical brief's"
            f" ingredients-in-scope.csv; where they were checked: {where}."
            + (f" {product_count} product-level RxCUIs (SCD/SBD) come from va-products-in-scope.csv"
               " (VA NDF-RT RxNorm mapping, 2014), each naming its ingredient(s) in the ingredient"
               " extension; a combination product belongs to the class of each ingredient."
               if product_count else " No product-level codes are listed for it.")
            + (f" {excluded} topical product(s) left out on purpose (negligible systemic"
               " exposure)." if excluded else "")
            + (" ATC is-a filters include every code below a class (matched by code prefix)."
               if prefixes else "")
            + (" Ingredients of the class's ATC groups that the brief's CSV does not list ("
               + ", ".join(sorted(i for i, _, _, _ in more))
               + ") carry their WHO ATC code and RxNorm ingredient RxCUI where known, flagged"
               " code-unverified, and their names."
               if more else "")
            + " Brand names (US, and UK dm+d names) and synonyms are designations, used only when"
            " no code is recognised."
            " Codes flagged code-unverified still match but must be confirmed against their"
            " authority.")
        written.append(write(name, title, description, includes))

    # The products left out of the classes on purpose, as a value set of their own: a medication
    # coded with one is identified (no "check incomplete" card) and no rule names it.
    seen = set()
    concepts = []
    for p in products:
        if p["product_rxcui"] in EXCLUDED_PRODUCTS and p["product_rxcui"] not in seen:
            seen.add(p["product_rxcui"])
            concepts.append(concept(p["product_rxcui"], product_display(p["va_product_name"]),
                                    p["ingredients"].split("|")))
    written.append(write(
        "no-systemic-exposure", "Products without systemic exposure",
        "Products of an interacting ingredient whose form gives negligible systemic exposure"
        " (topical ketoconazole: shampoo, cream, gel, foam), so no interaction with ketamine. From"
        " va-products-in-scope.csv (VA NDF-RT RxNorm mapping, 2014), as the brief's CSV lists them;"
        " checked there, not against a current RxNorm release. The rule pack lists this"
        " value set under recognisedWithoutInteraction: a medication coded with one of these"
        " products is identified, and no rule fires on it.",
        [{"system": RXNORM, "concept": concepts}]))

    for groups, unverified in ((CONDITION_GROUPS, False), (UNVERIFIED_CONDITION_GROUPS, True)):
        for name, (title, codes, names, scope) in groups.items():
            names = names + MORE_CONDITION_NAMES.get(name, [])
            excluded = EXCLUDED_PHRASES.get(name, []) + [
                f.format(n) for n in names for f in NOT_THE_PATIENT]
            # A screening that found the condition is the condition: longer than the screening
            # phrase inside it, so it wins.
            names = names + [f.format(n) for n in names for f in FOUND_ON_SCREENING]
            first = True
            concepts = []
            for code, display in codes:
                extra = ([{"use": SYNONYM_USE, "value": n} for n in names]
                         + [{"use": EXCLUDED_USE, "value": n} for n in excluded]) if first else []
                concepts.append(concept(code, display, unverified=unverified, names=extra))
                first = False
            for code, display in SNOMED_DESCENDANTS.get(name, []):
                concepts.append(concept(code, display, unverified=True))
            cm, who = ICD_CATEGORIES[name]
            source = ("SNOMED CT codes flagged code-unverified." if unverified else
                      "SNOMED CT codes as given in the clinical brief (KETAMINE-INTERACTIONS.md,"
                      " patient conditions table); not yet checked against a SNOMED CT release.")
            if name in SNOMED_DESCENDANTS:
                source += (" Common concepts below them ("
                           + ", ".join(d for _, d in SNOMED_DESCENDANTS[name])
                           + ") are listed one by one, flagged code-unverified: descendants are"
                           " not expanded without a terminology server.")
            description = (
                f"{scope} {source} Matched by exact code. ICD-10-CM categories {', '.join(cm)} and"
                f" WHO ICD-10 categories {', '.join(who)} (is-a filters: the code and every code"
                " below it) were chosen by the knowledge team from the ICD-10-CM (FY2026) and WHO"
                " ICD-10 (2019) tabular lists to cover the same conditions; the brief gives SNOMED"
                " CT only. The names (designations) match free text; where names overlap the"
                " longest counts, and excluded phrases (another condition, a negation, a family"
                " member's condition) stop the names inside them.")
            includes = [
                {"system": SNOMED, "concept": concepts},
                {"system": ICD10CM,
                 "filter": [{"property": "concept", "op": "is-a", "value": c} for c in cm]},
                {"system": ICD10,
                 "filter": [{"property": "concept", "op": "is-a", "value": c} for c in who]},
            ]
            written.append(write(name, title, description, includes))

    # Blood pressure as EHRs code it: the R4 vital-signs codes, the position-specific and
    # non-invasive LOINC codes, the older LOINC panels, and the SNOMED CT codes UK GP systems
    # record (NHS Digital, GP Connect "Blood pressure triplets"). The service reads a reading from
    # any of them (PatientContextMapper, BloodPressureCodes) and prefetches them all.
    written.append(write(
        "blood-pressure", "Blood-pressure observations",
        "Codes the service reads blood pressure from, as a panel with systolic and diastolic"
        " components or as components recorded as observations of their own. LOINC: the FHIR R4"
        " vital-signs codes (panel 85354-9, systolic 8480-6, diastolic 8462-4, as in the clinical"
        " brief), the sitting, standing and supine codes, the non-invasive codes and the older"
        " panels 55284-4 and 35094-2. SNOMED CT: the codes UK GP systems record (NHS Digital, GP"
        " Connect, blood-pressure triplets), general, lying, standing and sitting. Baseline,"
        " ambulatory-average and self-reported readings are left out: the brief asks for a"
        " reading taken before dosing.",
        [{"system": LOINC, "concept": [concept(c, d) for c, d in BP_PANELS + BP_SYSTOLIC
                                       + BP_DIASTOLIC if not c.startswith("S:")]},
         {"system": SNOMED, "concept": [concept(c[2:], d) for c, d in BP_PANELS + BP_SYSTOLIC
                                        + BP_DIASTOLIC if c.startswith("S:")]}]))
    print("wrote", len(written), "value sets to", OUT)


def write(name, title, description, includes):
    vs = {
        "resourceType": "ValueSet",
        "id": name,
        "url": f"{BASE}/ValueSet/{name}",
        "version": VERSION,
        "name": pascal(name),
        "title": title,
        "status": "active",
        "experimental": False,
        "date": DATE,
        "publisher": PUBLISHER,
        "description": description,
        "compose": {"include": includes},
    }
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(vs, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    main()
