package org.ketaminecds.engine.knowledge;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A versioned set of interaction rules, loaded from data. The version goes on every card and audit
 * event so that any alert can be traced to the exact content that produced it.
 */
public record RulePack(
    String id,
    String version,
    String title,
    Map<String, Source> sources,
    List<Trigger> triggers,
    List<Rule> rules) {

  public RulePack {
    sources = Map.copyOf(sources);
    triggers = List.copyOf(triggers);
    rules = List.copyOf(rules);
  }

  public Optional<Rule> rule(String ruleId) {
    return rules.stream().filter(r -> r.id().equals(ruleId)).findFirst();
  }

  public Optional<Source> source(String sourceId) {
    return Optional.ofNullable(sources.get(sourceId));
  }
}
