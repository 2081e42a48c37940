package org.ketaminecds.cds.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.errors.ErrorCode;

/**
 * The published catalogue ({@code docs/bad-input-catalogue.md}) is the one the service is tested
 * against: its table is the data of {@code src/test/resources/bad-inputs}, case for case, and this
 * test fails when they differ. After changing a case, rewrite the table with {@value #REWRITE}. It
 * also keeps the data honest: at least 70 cases, each with a reason, a status and an error code the
 * service has.
 */
class BadInputCatalogueDocTest {

  static final String REWRITE =
      "./mvnw -q -pl services/cds-hooks-service -am test -Dtest=BadInputCatalogueDocTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dbad-inputs.rewrite-doc=true";

  static final String START =
      "<!-- catalogue:start (generated from the test data; do not edit) -->";
  static final String END = "<!-- catalogue:end -->";

  @Test
  void publishedTable_isTheCatalogueTheServiceIsTestedAgainst() throws IOException {
    Path doc = repositoryRoot().resolve("docs/bad-input-catalogue.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int start = text.indexOf(START);
    int end = text.indexOf(END);
    assertThat(start).as("%s marks the table in %s", START, doc).isNotNegative();
    assertThat(end).as("%s ends the table in %s", END, doc).isGreaterThan(start);
    String published = text.substring(start + START.length(), end);
    String table = "\n" + table(BadInputCase.all()) + "\n";

    if (Boolean.getBoolean("bad-inputs.rewrite-doc") && !published.equals(table)) {
      Files.writeString(
          doc,
          text.substring(0, start + START.length()) + table + text.substring(end),
          StandardCharsets.UTF_8);
      published = table;
    }

    assertThat(published)
        .as("docs/bad-input-catalogue.md differs from the test data; rewrite it with: " + REWRITE)
        .isEqualTo(table);
  }

  @Test
  void everyCase_hasAReasonAStatusAndACodeTheServiceHas() {
    List<BadInputCase> cases = BadInputCase.all();
    Set<String> codes =
        Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());

    assertThat(cases).hasSizeGreaterThanOrEqualTo(70);
    assertThat(cases.stream().map(BadInputCase::number).distinct()).hasSameSizeAs(cases);
    for (BadInputCase c : cases) {
      assertThat(c.why()).as(c.id()).isNotBlank();
      assertThat(c.expectedStatus()).as(c.id()).isBetween(200, 499);
      if (c.expectedStatus() == 200) {
        assertThat(c.expectedError()).as(c.id()).isEmpty();
      } else {
        assertThat(c.expectedError()).as(c.id()).get().isIn(codes);
        assertThat(ErrorCode.valueOf(c.expectedError().get().toUpperCase()).status().value())
            .as(c.id())
            .isEqualTo(c.expectedStatus());
      }
    }
  }

  static String table(List<BadInputCase> cases) {
    StringBuilder table =
        new StringBuilder(
            "| # | case | request (changes to a valid call) | status | error | why |\n"
                + "|---|---|---|---|---|---|\n");
    for (BadInputCase c : cases) {
      table.append(
          "| %03d | `%s` | %s | %d | %s | %s |\n"
              .formatted(
                  c.number(),
                  c.name(),
                  c.summary(),
                  c.expectedStatus(),
                  c.expectedError().map(e -> "`" + e + "`").orElseGet(() -> answer(c)),
                  BadInputCase.visible(c.why())));
    }
    return table.toString().stripTrailing();
  }

  /** What a 200 carries: the cards' rule ids, or that feedback was taken. */
  private static String answer(BadInputCase c) {
    if (c.auditedAs().equals("feedback")) {
      return "feedback recorded";
    }
    return c.expectedCards().isEmpty()
        ? "no cards"
        : "cards: " + String.join(", ", c.expectedCards());
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
