/** JMH benchmarks of rule evaluation (the {@code benchmarks} Maven profile; not part of verify). */
package org.ketaminecds.engine.benchmarks;
