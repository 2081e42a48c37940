package org.ketaminecds.compliance.reports;

/** Calls made for one user ({@code context.userId}), the cards they were shown and overrode. */
public record UserCalls(String user, long calls, long cardsShown, long overridden) {}
