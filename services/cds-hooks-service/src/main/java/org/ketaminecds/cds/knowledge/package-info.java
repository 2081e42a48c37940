/**
 * The knowledge pack at run time: loaded and validated at start-up (an invalid pack stops the
 * service), and published as human-readable rule pages that cards link to.
 */
package org.ketaminecds.cds.knowledge;
