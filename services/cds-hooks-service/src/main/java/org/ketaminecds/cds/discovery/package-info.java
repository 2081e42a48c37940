/** The CDS services this product offers and the discovery endpoint that lists them. */
package org.ketaminecds.cds.discovery;
