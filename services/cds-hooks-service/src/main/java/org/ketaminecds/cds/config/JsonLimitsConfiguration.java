package org.ketaminecds.cds.config;

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
 *
 * <p>Duplicate names are found as the body's tree is built ({@code FAIL_ON_READING_DUP_TREE_KEY}:
 * every request body is read as a tree), not by the parser's {@code STRICT_DUPLICATE_DETECTION},
 * which keeps a set of names for every object besides the tree's own map: 8 % of what a call
 * allocated and 2 % of its CPU.
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
                DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .postConfigurer(mapper -> mapper.getFactory().setStreamReadConstraints(constraints));
  }
}
