package org.ketaminecds.cds.config;

import com.fasterxml.jackson.core.StreamReadConstraints;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bounds how deeply request JSON may nest, so a small body of brackets cannot exhaust the stack or
 * the CPU; the parser stops at the limit and the client gets 400 {@code malformed_json}.
 */
@Configuration
class JsonLimitsConfiguration {

  @Bean
  Jackson2ObjectMapperBuilderCustomizer jsonNestingLimit(CdsProperties properties) {
    StreamReadConstraints constraints =
        StreamReadConstraints.builder().maxNestingDepth(properties.maxJsonDepth()).build();
    return builder ->
        builder.postConfigurer(mapper -> mapper.getFactory().setStreamReadConstraints(constraints));
  }
}
