/**
 * Reports over the stored audit events for a time range: alerts, override rates and reasons,
 * accepted suggestions, calls per client and per user, latency, feedback gaps. Served as JSON, CSV
 * and an HTML page, and printed by the {@code report} command. Aggregate reports carry counts, rule
 * ids and user ids, never a patient.
 */
package org.ketaminecds.compliance.reports;
