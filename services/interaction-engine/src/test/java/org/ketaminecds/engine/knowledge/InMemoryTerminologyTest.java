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

  private final InMemoryTerminology terminology =
      new InMemoryTerminology(
          List.of(
              new ValueSetContent(
                  new Terminology.ValueSetInfo(SJW, "1", "CYP inducers", "CypInducer"),
                  Map.of(),
                  Set.of(new Code(Code.ATC, "N06AX25")),
                  List.of(
                      new ValueSetContent.Name("St. John's wort", "St. John's wort"),
                      new ValueSetContent.Name("Hypericum", "St. John's wort")))));

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
