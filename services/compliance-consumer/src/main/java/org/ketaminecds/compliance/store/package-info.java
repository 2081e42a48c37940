/**
 * The compliance store: each verified audit event kept once under its CloudEvents id, in a
 * relational database through JDBC, with the schema migrated by Flyway.
 */
package org.ketaminecds.compliance.store;
