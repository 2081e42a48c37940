/**
 * Who may call: CDS clients (EHRs) authenticate with a signed JWT from a trusted issuer (CDS Hooks
 * 2.0 "Trusting CDS Clients"), checked by Spring Security's OAuth2 resource server; and where
 * patient data may come from: the per-issuer allow-list of FHIR servers.
 */
package org.ketaminecds.cds.security;
