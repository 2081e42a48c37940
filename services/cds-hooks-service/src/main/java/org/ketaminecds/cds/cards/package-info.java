/** CDS Hooks cards: the response model and how findings are written up for clinicians. */
package org.ketaminecds.cds.cards;
