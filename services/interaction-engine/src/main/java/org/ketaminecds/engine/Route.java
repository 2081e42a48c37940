package org.ketaminecds.engine;

/**
 * Route of administration, as far as the rules care: oral ketamine is far more exposed to CYP3A4 /
 * CYP2B6 inhibition than parenteral or intranasal (Hagelberg 2010, Peltoniemi 2011).
 */
public enum Route {
  ORAL,
  INTRAVENOUS,
  INTRAMUSCULAR,
  SUBCUTANEOUS,
  INTRANASAL,
  OTHER,
  UNKNOWN
}
