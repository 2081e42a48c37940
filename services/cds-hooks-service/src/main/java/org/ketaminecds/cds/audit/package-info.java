/**
 * The audit trail: what the service showed to whom and what the clinician did with it. The {@link
 * org.ketaminecds.cds.audit.AuditRecorder} port is called before an answer is sent; an answer means
 * its audit record is durable.
 */
package org.ketaminecds.cds.audit;
