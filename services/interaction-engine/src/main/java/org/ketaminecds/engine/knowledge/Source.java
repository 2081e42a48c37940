package org.ketaminecds.engine.knowledge;

/**
 * A citable source of clinical content: a product label, an article, a review.
 *
 * @param citation where in it, or the journal reference ("Sections 4, 5"; "Front Psychiatry
 *     2020;11:844"); may be empty
 * @param url a stable link (DOI, DailyMed), or empty where none exists
 */
public record Source(String id, String title, String citation, String url) {}
