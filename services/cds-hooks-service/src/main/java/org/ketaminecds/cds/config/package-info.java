/** Operator settings and cross-cutting web configuration (CORS). */
package org.ketaminecds.cds.config;
