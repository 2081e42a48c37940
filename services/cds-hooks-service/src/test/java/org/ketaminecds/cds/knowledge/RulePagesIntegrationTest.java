package org.ketaminecds.cds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.engine.knowledge.Rule;
import org.ketaminecds.engine.knowledge.RulePack;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The pages card links point to: one per rule, human-readable, with its sources. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RulePagesIntegrationTest {

  @LocalServerPort int port;
  @Autowired RulePack pack;
  CdsHttp http;

  @BeforeEach
  void client() {
    http = new CdsHttp(port);
  }

  @Test
  void theIndexListsEveryRuleWithThePackVersion() {
    var page = http.get("/rules");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("version 1.4.0");
    for (Rule rule : pack.rules()) {
      assertThat(page.body()).contains("href=\"rules/" + rule.id() + "\"");
    }
  }

  @Test
  void aClientThatAcceptsOnlyJsonIsToldThePageIsHtml() {
    var refused =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        http.get("/rules").raw().uri().resolve("/rules/ketamine-maoi").toString()))
                .header("Accept", "application/json")
                .GET());

    assertThat(refused.status()).isEqualTo(406);
    assertThat(refused.json().path("error").asText()).isEqualTo("not_acceptable");
    assertThat(refused.json().path("message").asText()).contains("text/html");
  }

  @Test
  void everyRuleHasAPageWithItsDrugsAdviceAndSources() {
    for (Rule rule : pack.rules()) {
      var page = http.get("/rules/" + rule.id());

      assertThat(page.status()).as(rule.id()).isEqualTo(200);
      assertThat(page.raw().headers().firstValue("Content-Type"))
          .get()
          .asString()
          .startsWith("text/html");
      assertThat(page.body())
          .as(rule.id())
          .contains("Drugs involved:")
          .contains("Recommended action:")
          .contains("<h2>Evidence</h2>")
          .contains("ketamine-interactions 1.4.0");
    }
    assertThat(http.get("/rules/ketamine-maoi").body())
        .contains("Monoamine oxidase inhibitors")
        .contains("https://dailymed.nlm.nih.gov/");
  }

  @Test
  void anUnknownRuleIs404WithAJsonError() {
    var page = http.get("/rules/no-such-rule");

    assertThat(page.status()).isEqualTo(404);
    assertThat(page.json().get("error").asText()).isEqualTo("not_found");
  }
}
