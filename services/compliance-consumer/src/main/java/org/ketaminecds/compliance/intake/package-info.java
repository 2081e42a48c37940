/**
 * Reading the {@code cds.audit} stream: one listener that verifies and stores each record before
 * its offset is committed, and the error handling that retries a bounded number of times, then
 * sends the record to the dead-letter topic with the reason in its headers.
 */
package org.ketaminecds.compliance.intake;
