/**
 * The compliance consumer application: audit stream in ({@code intake}), checked against the
 * contract ({@code verification}), kept once ({@code store}), summed up ({@code reports}).
 */
package org.ketaminecds.compliance;
