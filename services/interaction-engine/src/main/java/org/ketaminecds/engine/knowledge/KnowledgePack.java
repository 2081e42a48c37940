package org.ketaminecds.engine.knowledge;

/** A loaded, validated rule pack together with the terminology its rules refer to. */
public record KnowledgePack(RulePack rules, InMemoryTerminology terminology) {}
