package org.ketaminecds.engine;

import java.util.List;

/**
 * The verdict of one evaluation: the findings, most severe first, and the version of the rule pack
 * that produced them.
 *
 * @param triggeringOrders the orders that were ketamine or esketamine; empty means the service has
 *     nothing to say
 */
public record Evaluation(
    String rulePackVersion, List<Medication> triggeringOrders, List<Finding> findings) {

  public Evaluation {
    triggeringOrders = List.copyOf(triggeringOrders);
    findings = List.copyOf(findings);
  }
}
