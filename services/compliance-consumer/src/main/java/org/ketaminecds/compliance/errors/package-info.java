/** Typed errors with stable codes, and the one place they become HTTP answers with a JSON body. */
package org.ketaminecds.compliance.errors;
