package org.ketaminecds.engine.knowledge;

import java.util.List;
import org.ketaminecds.engine.Route;

/**
 * The closed set of conditions a modifier can state. Rule files choose among these by name and give
 * values; they never hold executable expressions.
 */
public sealed interface ModifierCondition {

  /** The patient is at least this old. */
  record AgeAtLeast(int years) implements ModifierCondition {}

  /**
   * A condition from this value set is on the record: a current one, or with {@code includePast}
   * also a past one (resolved, inactive, in remission), for conditions whose history is the risk.
   */
  record HasCondition(String valueSet, boolean includePast) implements ModifierCondition {}

  /** The latest blood pressure reaches systolic or diastolic threshold. */
  record BloodPressureAtLeast(int systolic, int diastolic) implements ModifierCondition {}

  /** The ketamine order is given by this route. */
  record OrderRoute(Route route) implements ModifierCondition {}

  /**
   * At least {@code count} of these classes are present at once (medications by value set;
   * condition value sets count too, e.g. alcohol use disorder as a CNS depressant), the rule's own
   * class included.
   */
  record DistinctClassesAtLeast(List<String> valueSets, int count) implements ModifierCondition {
    public DistinctClassesAtLeast {
      valueSets = List.copyOf(valueSets);
    }
  }

  /**
   * At least {@code count} distinct agents (ingredients) from this value set are present at once,
   * one of them among the finding's own medications: two SSRIs count as two agents, a product
   * listed twice (order and statement) as one.
   */
  record DistinctAgentsAtLeast(String valueSet, int count) implements ModifierCondition {}

  /** Any one of these holds. */
  record AnyOf(List<ModifierCondition> conditions) implements ModifierCondition {
    public AnyOf {
      conditions = List.copyOf(conditions);
    }
  }
}
