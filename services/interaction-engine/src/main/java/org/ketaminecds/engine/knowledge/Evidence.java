package org.ketaminecds.engine.knowledge;

/** One piece of evidence behind a rule or modifier: which source, and what it says in our words. */
public record Evidence(String source, String statement) {}
