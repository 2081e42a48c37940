package org.ketaminecds.cds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import org.ketaminecds.cds.cards.CardRenderer;
import org.ketaminecds.cds.config.CdsProperties;
import org.ketaminecds.engine.InteractionEngine;
import org.ketaminecds.engine.knowledge.KnowledgePack;
import org.ketaminecds.engine.knowledge.KnowledgePackException;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;
import org.ketaminecds.engine.knowledge.Rule;
import org.ketaminecds.engine.knowledge.RulePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class KnowledgeConfiguration {

  private static final Logger log = LoggerFactory.getLogger(KnowledgeConfiguration.class);

  /** Loaded once at start-up; a pack that fails validation stops the service from starting. */
  @Bean
  KnowledgePack knowledgePack(CdsProperties properties, FhirContext fhir) {
    String directory = properties.knowledgeDirectory();
    KnowledgePack pack = load(directory, fhir);
    log.info(
        "rule pack {} {} loaded: {} rules{}",
        pack.rules().id(),
        pack.rules().version(),
        pack.rules().rules().size(),
        directory.isBlank() ? "" : " from " + directory);
    return pack;
  }

  /**
   * Loads and validates a pack: its schema, ids and references (the engine's loader), every value
   * set as strict FHIR R4 (HAPI), and every suggestion id against those the cards can build.
   *
   * @param directory a pack directory, or blank for the built-in pack
   */
  static KnowledgePack load(String directory, FhirContext fhir) {
    KnowledgePackLoader loader =
        (directory.isBlank()
                ? KnowledgePackLoader.fromClasspath()
                : KnowledgePackLoader.fromDirectory(Path.of(directory)))
            .withValueSetCheck(new FhirValueSetCheck(fhir));
    KnowledgePack pack = loader.load();
    for (Rule rule : pack.rules().rules()) {
      for (String suggestion : rule.suggestions()) {
        if (!CardRenderer.SUGGESTIONS.contains(suggestion)) {
          throw new KnowledgePackException(
              KnowledgePackLoader.DEFAULT_RULE_PACK,
              "rule '"
                  + rule.id()
                  + "' offers suggestion '"
                  + suggestion
                  + "', which cards cannot build");
        }
      }
    }
    return pack;
  }

  @Bean
  RulePack rulePack(KnowledgePack pack) {
    return pack.rules();
  }

  @Bean
  InteractionEngine interactionEngine(KnowledgePack pack) {
    return new InteractionEngine(pack);
  }
}
