/**
 * Completing the patient data a check needs: prefetched by the EHR, or fetched from its FHIR server
 * within a bounded time, with prefetch tokens resolved from the hook context.
 */
package org.ketaminecds.cds.prefetch;
