package org.ketaminecds.engine.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ketaminecds.engine.Code;

/** Free-text matching: whole words, any case, accents and punctuation ignored. */
class InMemoryTerminologyTest {

  private static final String SJW = "https://ketamine-cds.example.org/fhir/ValueSet/cyp-inducer";
  private static final String HTN = "https://ketamine-cds.example.org/fhir/ValueSet/hypertension";
  private static final String EYE = "https://ketamine-cds.example.org/fhir/ValueSet/glaucoma";

  private final InMemoryTerminology terminology =
      new InMemoryTerminology(
          List.of(
              valueSet(
                  SJW,
                  Set.of(new Code(Code.ATC, "N06AX25")),
                  new ValueSetContent.Name("St. John's wort", "St. John's wort"),
                  new ValueSetContent.Name("Hypericum", "St. John's wort"))));

  private final InMemoryTerminology conditions =
      new InMemoryTerminology(
          List.of(
              valueSet(
                  HTN,
                  Set.of(new Code(Code.ICD10CM, "I1A"), new Code(Code.ICD10CM, "I10")),
                  new ValueSetContent.Name("hypertension", "Hypertension"),
                  new ValueSetContent.Name("pulmonary hypertension", "Hypertension", true),
                  new ValueSetContent.Name(
                      "family history of ... hypertension", "Hypertension", true)),
              valueSet(
                  EYE, Set.of(), new ValueSetContent.Name("ocular hypertension", "Glaucoma"))));

  /** A value set of class prefixes and names only, as the matching under test reads it. */
  private static ValueSetContent valueSet(
      String url, Set<Code> prefixes, ValueSetContent.Name... names) {
    return new ValueSetContent(
        new Terminology.ValueSetInfo(url, "1", url, url), Map.of(), prefixes, List.of(names));
  }

  @Test
  void theLongestOfOverlappingNamesCounts() {
    assertThat(conditions.matchText("Ocular hypertension, both eyes"))
        .containsExactly(new Terminology.ConceptMatch(EYE, List.of("Glaucoma")));
    assertThat(conditions.matchText("Ocular hypertension; essential hypertension"))
        .extracting(Terminology.ConceptMatch::valueSet)
        .containsExactly(EYE, HTN);
  }

  @Test
  void anExcludedPhraseMatchesNothingAndHidesTheNamesInsideIt() {
    assertThat(conditions.matchText("Pulmonary hypertension (WHO group 1)")).isEmpty();
    assertThat(conditions.matchText("Pulmonary embolism; hypertension"))
        .extracting(Terminology.ConceptMatch::valueSet)
        .containsExactly(HTN);
  }

  @Test
  void anExcludedPhraseWithAGapCoversUpToThreeWordsBetweenItsParts() {
    assertThat(conditions.matchText("Family history of hypertension")).isEmpty();
    assertThat(conditions.matchText("Family history of malignant hypertension")).isEmpty();
    assertThat(conditions.matchText("FAMILY HISTORY OF severe early-onset hypertension")).isEmpty();
    // Four words between: too far apart to be one phrase.
    assertThat(conditions.matchText("Family history of type 2 diabetes; has hypertension"))
        .extracting(Terminology.ConceptMatch::valueSet)
        .containsExactly(HTN);
    // A gap does not run across a clause: the hypertension is the patient's.
    for (String text :
        new String[] {
          "Family history of stroke; hypertension",
          "Family history: none. Hypertension 2019",
          "Family history of diabetes - hypertension",
          "Family history of stroke (hypertension)"
        }) {
      assertThat(conditions.matchText(text))
          .as(text)
          .extracting(Terminology.ConceptMatch::valueSet)
          .containsExactly(HTN);
    }
    // Right after the phrase, punctuation between is still one phrase (as before gaps).
    assertThat(conditions.matchText("Family history of: hypertension")).isEmpty();
    assertThat(conditions.matchText("Family history of early-onset hypertension")).isEmpty();
    assertThat(conditions.matchText("Hypertension; family history unknown"))
        .extracting(Terminology.ConceptMatch::valueSet)
        .containsExactly(HTN);
  }

  @Test
  void aGapNeedsWordsOnBothSides() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new InMemoryTerminology(
                    List.of(
                        valueSet(
                            HTN,
                            Set.of(),
                            new ValueSetContent.Name("... hypertension", "Hypertension", true)))))
        .hasMessageContaining("needs words before and after");
  }

  @Test
  void icd10CodesMatchTheirCategoryWithOrWithoutTheDotInAnyCase() {
    for (String code : List.of("I10", "I1A.0", "i1a0", " I1A.0 ")) {
      assertThat(conditions.matchCode(new Code(Code.ICD10CM, code)))
          .as(code)
          .containsExactly(new Terminology.ConceptMatch(HTN, List.of()));
    }
    assertThat(conditions.matchCode(new Code(Code.ICD10CM, "I11.9"))).isEmpty();
    assertThat(conditions.matchCode(new Code(Code.ICD10, "I10"))).isEmpty();
  }

  @Test
  void aCodeWithoutANameReadsAsItsSystemWritesIt() {
    assertThat(new Code(Code.ICD10CM, "i2510").readable()).isEqualTo("ICD-10-CM I25.10");
    assertThat(new Code(Code.ICD10, "I10").readable()).isEqualTo("ICD-10 I10");
    assertThat(new Code(Code.SNOMED, "59621000").readable()).isEqualTo("SNOMED CT 59621000");
    assertThat(new Code("urn:oid:1.2.3", "LOC-77").readable()).isEqualTo("LOC-77");
  }

  @Test
  void aSystemSentAsItsHl7OidIsTheCanonicalSystem() {
    assertThat(new Code("urn:oid:2.16.840.1.113883.6.90", "I10."))
        .isEqualTo(new Code(Code.ICD10CM, "I10"));
    assertThat(new Code("urn:oid:2.16.840.1.113883.6.88", "7052").system()).isEqualTo(Code.RXNORM);
    assertThat(new Code("urn:oid:1.2.3", "x").system()).isEqualTo("urn:oid:1.2.3");
    assertThat(new Code("http://www.whocc.no/atc/", "N01AX03").system()).isEqualTo(Code.ATC);
    assertThat(new Code("http://snomed.info/sct/", "1").system()).isEqualTo(Code.SNOMED);
    assertThat(new Code("http://example.org/local/", "x").system())
        .isEqualTo("http://example.org/local/");
  }

  @Test
  void clauseBreaksAreKeptButNotInsideNumbersOrWords() {
    var tokens = InMemoryTerminology.tokens("AAA 4.8 cm; early-onset, 1,000 units - done");
    assertThat(tokens.words())
        .containsExactly("aaa", "4", "8", "cm", "early", "onset", "1", "000", "units", "done");
    byte no = InMemoryTerminology.NO_BREAK;
    byte clause = InMemoryTerminology.CLAUSE_BREAK;
    byte label = InMemoryTerminology.LABEL_BREAK;
    assertThat(tokens.breakBefore())
        .containsExactly(no, no, no, no, clause, no, label, no, no, label);
  }

  @Test
  void wordsAreLowerCaseWithoutAccentsOrPunctuation() {
    assertThat(InMemoryTerminology.words("St. John's Wört, 300mg (OTC)"))
        .containsExactly("st", "john", "s", "wort", "300mg", "otc");
  }

  @Test
  void aMultiWordNameMatchesAsAWholeSequenceInAnyCase() {
    assertThat(terminology.matchText("ST JOHN'S WORT 300 MG CAPSULE"))
        .containsExactly(new Terminology.ConceptMatch(SJW, List.of("St. John's wort")));
    assertThat(terminology.matchText("hypericum perforatum extract"))
        .extracting(Terminology.ConceptMatch::concepts)
        .containsExactly(List.of("St. John's wort"));
  }

  @Test
  void partOfAWordDoesNotMatch() {
    assertThat(terminology.matchText("St Johnswort")).isEmpty();
    assertThat(terminology.matchText("Hypericumin")).isEmpty();
  }

  @Test
  void aClassPrefixMatchesCodesBelowIt() {
    assertThat(terminology.matchCode(new Code(Code.ATC, "n06ax25")))
        .containsExactly(new Terminology.ConceptMatch(SJW, List.of()));
    assertThat(terminology.matchCode(new Code(Code.ATC, "N06AX2"))).isEmpty();
  }
}
