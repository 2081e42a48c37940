package org.ketaminecds.engine.knowledge;

/** A citable source of clinical content: a product label, an article, a review. */
public record Source(String id, String title, String url) {}
