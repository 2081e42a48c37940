/**
 * FHIR R4 at the edge: parsing what the EHR sends (HAPI), fetching what it did not send, and
 * mapping resources onto the engine's plain records.
 */
package org.ketaminecds.cds.fhir;
