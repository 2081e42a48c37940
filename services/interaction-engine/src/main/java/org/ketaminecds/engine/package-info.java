/**
 * The interaction engine: given the proposed ketamine order(s), the patient's medications and
 * clinical context, evaluates the rule pack and returns findings. Plain Java, no frameworks.
 */
package org.ketaminecds.engine;
