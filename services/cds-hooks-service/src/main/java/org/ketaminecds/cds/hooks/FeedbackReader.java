package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ketaminecds.cds.audit.FeedbackAudit.OverrideReason;
import org.ketaminecds.cds.errors.CdsException;
import org.springframework.stereotype.Component;

/**
 * Reads a CDS Hooks 2.0 feedback body: {@code {"feedback": [{card, outcome, acceptedSuggestions,
 * overrideReason, outcomeTimestamp}]}}. Every item is validated before any is recorded.
 */
@Component
class FeedbackReader {

  private static final int MAX_ITEMS = 100;
  private static final int MAX_TEXT = 4096;

  /**
   * How far ahead of our clock an outcome may be dated: clocks drift, but an outcome dated later
   * would stand as the card's latest for the compliance reports, ahead of every true later one.
   */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final Clock clock;

  FeedbackReader(Clock clock) {
    this.clock = clock;
  }

  record Item(
      String card,
      String outcome,
      List<String> acceptedSuggestions,
      Optional<OverrideReason> overrideReason,
      Instant outcomeTimestamp) {}

  List<Item> read(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw CdsException.invalid("feedback", "body must be a JSON object with a 'feedback' array");
    }
    JsonNode feedback = body.get("feedback");
    if (feedback == null || feedback.isNull()) {
      throw CdsException.missing("feedback");
    }
    if (!feedback.isArray() || feedback.isEmpty()) {
      throw CdsException.invalid("feedback", "must be a non-empty array");
    }
    if (feedback.size() > MAX_ITEMS) {
      throw CdsException.invalid("feedback", "holds more than " + MAX_ITEMS + " items");
    }
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < feedback.size(); i++) {
      items.add(item(feedback.get(i), "feedback[" + i + "]"));
    }
    return items;
  }

  private Item item(JsonNode node, String path) {
    if (!node.isObject()) {
      throw CdsException.invalid(path, "must be an object");
    }
    String card = text(node, "card", path + ".card");
    String outcome = text(node, "outcome", path + ".outcome");
    if (!outcome.equals("accepted") && !outcome.equals("overridden")) {
      throw CdsException.invalid(path + ".outcome", "must be 'accepted' or 'overridden'");
    }
    String timestamp = text(node, "outcomeTimestamp", path + ".outcomeTimestamp");
    Instant when;
    try {
      when = OffsetDateTime.parse(timestamp).toInstant();
    } catch (DateTimeParseException e) {
      throw CdsException.invalid(
          path + ".outcomeTimestamp", "must be an ISO 8601 date-time with a time zone");
    }
    if (when.isAfter(clock.instant().plus(CLOCK_SKEW))) {
      throw CdsException.invalid(path + ".outcomeTimestamp", "is in the future");
    }
    List<String> accepted = new ArrayList<>();
    JsonNode suggestions = node.get("acceptedSuggestions");
    if (suggestions != null && !suggestions.isNull()) {
      if (!suggestions.isArray()) {
        throw CdsException.invalid(path + ".acceptedSuggestions", "must be an array");
      }
      for (int i = 0; i < suggestions.size(); i++) {
        String p = path + ".acceptedSuggestions[" + i + "]";
        if (!suggestions.get(i).isObject()) {
          throw CdsException.invalid(p, "must be an object with an 'id'");
        }
        accepted.add(text(suggestions.get(i), "id", p + ".id"));
      }
      if (!accepted.isEmpty() && outcome.equals("overridden")) {
        throw CdsException.invalid(
            path + ".acceptedSuggestions", "must be empty when the outcome is 'overridden'");
      }
    }
    Optional<OverrideReason> reason = Optional.empty();
    JsonNode override = node.get("overrideReason");
    if (override != null && !override.isNull()) {
      if (outcome.equals("accepted")) {
        throw CdsException.invalid(
            path + ".overrideReason", "is only allowed when the outcome is 'overridden'");
      }
      reason = Optional.of(overrideReason(override, path + ".overrideReason"));
    }
    return new Item(card, outcome, accepted, reason, when);
  }

  private OverrideReason overrideReason(JsonNode node, String path) {
    if (!node.isObject()) {
      throw CdsException.invalid(path, "must be an object");
    }
    JsonNode reason = node.get("reason");
    Optional<String> system = Optional.empty();
    Optional<String> code = Optional.empty();
    Optional<String> display = Optional.empty();
    if (reason != null && !reason.isNull()) {
      if (!reason.isObject()) {
        throw CdsException.invalid(path + ".reason", "must be a Coding object");
      }
      system = optionalText(reason, "system", path + ".reason.system");
      code = optionalText(reason, "code", path + ".reason.code");
      display = optionalText(reason, "display", path + ".reason.display");
      if (code.isEmpty()) {
        throw CdsException.missing(path + ".reason.code");
      }
    }
    Optional<String> comment = freeText(node, "userComment", path + ".userComment");
    return new OverrideReason(system, code, display, comment);
  }

  private static String text(JsonNode node, String field, String path) {
    return optionalText(node, field, path).orElseThrow(() -> CdsException.missing(path));
  }

  /**
   * A clinician's comment: line breaks and tabs are text, other control characters, invisible
   * formatting (a right-to-left override, a zero-width space) and lone surrogates are not, and
   * would make the audit record read otherwise than it holds.
   */
  private static Optional<String> freeText(JsonNode node, String field, String path) {
    return checked(node, field, path, true);
  }

  /** A code or id (the card, an outcome, a suggestion, a reason's Coding): no such characters. */
  private static Optional<String> optionalText(JsonNode node, String field, String path) {
    return checked(node, field, path, false);
  }

  private static Optional<String> checked(
      JsonNode node, String field, String path, boolean lineBreaksAllowed) {
    Optional<String> text = read(node, field, path);
    if (text.isPresent()
        && text.get()
            .codePoints()
            .anyMatch(
                c ->
                    HookRequestReader.invisible(c)
                        && !(lineBreaksAllowed && (c == '\n' || c == '\r' || c == '\t')))) {
      throw CdsException.invalid(
          path, "must not contain control, invisible or unpaired surrogate characters");
    }
    return text;
  }

  private static Optional<String> read(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw CdsException.invalid(path, "must be a string");
    }
    if (value.asText().length() > MAX_TEXT) {
      throw CdsException.invalid(path, "is longer than " + MAX_TEXT + " characters");
    }
    return value.asText().isBlank() ? Optional.empty() : Optional.of(value.asText());
  }
}
