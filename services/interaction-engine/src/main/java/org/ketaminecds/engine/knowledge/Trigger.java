package org.ketaminecds.engine.knowledge;

/**
 * A drug whose order makes the service look for interactions (ketamine, esketamine).
 *
 * @param valueSet canonical URL of the value set that recognises it by code or name
 */
public record Trigger(String id, String display, String valueSet) {}
