/**
 * Fewer, better alerts (HL7 PDDI CDS IG): findings shown at order-select are not repeated at
 * order-sign, and a finding a clinician overrode is not repeated for a while. Off by default, as
 * the IG asks; on by configuration or per request. The state is shared by every replica through a
 * compacted Kafka topic.
 */
package org.ketaminecds.cds.alerts;
