package org.ketaminecds.cds.knowledge;

import java.nio.file.Path;
import org.ketaminecds.cds.config.CdsProperties;
import org.ketaminecds.engine.InteractionEngine;
import org.ketaminecds.engine.knowledge.KnowledgePack;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;
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
  KnowledgePack knowledgePack(CdsProperties properties) {
    String directory = properties.knowledgeDirectory();
    KnowledgePackLoader loader =
        directory.isBlank()
            ? KnowledgePackLoader.fromClasspath()
            : KnowledgePackLoader.fromDirectory(Path.of(directory));
    KnowledgePack pack = loader.load();
    log.info(
        "rule pack {} {} loaded: {} rules{}",
        pack.rules().id(),
        pack.rules().version(),
        pack.rules().rules().size(),
        directory.isBlank() ? "" : " from " + directory);
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
