/** Typed errors with stable codes, and the one place that maps them to HTTP with a JSON body. */
package org.ketaminecds.cds.errors;
