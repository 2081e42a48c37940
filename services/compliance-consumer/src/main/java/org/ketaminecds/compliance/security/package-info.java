/**
 * Who may read the reports: HTTP Basic with one configured user, secure by default (a generated
 * password kept in an owner-only file when none is configured; the server binds to loopback).
 */
package org.ketaminecds.compliance.security;
