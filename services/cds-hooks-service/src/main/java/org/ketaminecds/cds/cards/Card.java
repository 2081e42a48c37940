package org.ketaminecds.cds.cards;

import java.util.List;
import java.util.Map;

/**
 * A CDS Hooks 2.0 card. Empty members are left out of the JSON (the service's Jackson setting), so
 * a card never carries {@code null} or {@code []}.
 *
 * @param summary under 140 characters
 * @param detail GitHub-flavoured markdown
 * @param indicator info, warning or critical
 * @param selectionBehavior required when there are suggestions
 * @param extension CDS Hooks 2.0 extension members: the rule pack id and version, and whether the
 *     match rests on a code or a name only
 */
public record Card(
    String uuid,
    String summary,
    String detail,
    String indicator,
    CardSource source,
    List<Suggestion> suggestions,
    String selectionBehavior,
    List<Coding> overrideReasons,
    List<Link> links,
    Map<String, Object> extension) {

  public static final int MAX_SUMMARY = 139;

  public Card {
    suggestions = List.copyOf(suggestions);
    overrideReasons = List.copyOf(overrideReasons);
    links = List.copyOf(links);
    extension = extension == null ? Map.of() : Map.copyOf(extension);
  }

  /** A card without extension members. */
  public Card(
      String uuid,
      String summary,
      String detail,
      String indicator,
      CardSource source,
      List<Suggestion> suggestions,
      String selectionBehavior,
      List<Coding> overrideReasons,
      List<Link> links) {
    this(
        uuid,
        summary,
        detail,
        indicator,
        source,
        suggestions,
        selectionBehavior,
        overrideReasons,
        links,
        Map.of());
  }

  /** Where a card's content comes from; {@code topic} names the rule. */
  public record CardSource(String label, String url, String icon, Coding topic) {}

  public record Coding(String system, String code, String display) {}

  public record Suggestion(String label, String uuid, Boolean isRecommended, List<Action> actions) {
    public Suggestion {
      actions = List.copyOf(actions);
    }
  }

  /**
   * @param resource the FHIR resource to create or update, as JSON
   * @param resourceId for delete: the relative reference of the resource to remove
   */
  public record Action(
      String type,
      String description,
      com.fasterxml.jackson.databind.JsonNode resource,
      String resourceId) {}

  /**
   * @param type absolute or smart
   */
  public record Link(String label, String url, String type, String appContext) {}
}
