/**
 * CDS Hooks invocation and feedback: reading and validating requests, running the check for the
 * ketamine order, answering with cards.
 */
package org.ketaminecds.cds.hooks;
