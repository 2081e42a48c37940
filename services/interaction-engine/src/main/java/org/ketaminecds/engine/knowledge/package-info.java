/**
 * The knowledge pack as the engine sees it: the rule model, terminology (value sets) behind a
 * narrow port, and the loader that reads and validates both from the class path.
 */
package org.ketaminecds.engine.knowledge;
