package org.ketaminecds.cds.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bounds how deeply request JSON may nest, so a small body of brackets cannot exhaust the stack or
 * the CPU; the parser stops at the limit and the client gets 400 {@code malformed_json}. A body is
 * also refused when it holds more than one JSON value, or an object names a member twice: another
 * parser in the EHR's path (a gateway, a validator) may read such a body differently, taking the
 * first value where we would take the last.
 */
@Configuration
class JsonLimitsConfiguration {

  @Bean
  Jackson2ObjectMapperBuilderCustomizer jsonNestingLimit(CdsProperties properties) {
    StreamReadConstraints constraints =
        StreamReadConstraints.builder().maxNestingDepth(properties.maxJsonDepth()).build();
    return builder ->
        builder
            .featuresToEnable(
                DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .postConfigurer(mapper -> mapper.getFactory().setStreamReadConstraints(constraints));
  }
}
