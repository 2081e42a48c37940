package org.ketaminecds.cds.prefetch;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces CDS Hooks 2.0 prefetch tokens in a template with values from the hook context: {@code
 * {{context.patientId}}} and the other primitive context fields, and the user tokens {@code
 * {{userPractitionerId}}}, {@code {{userPractitionerRoleId}}}, {@code {{userPatientId}}}, {@code
 * {{userRelatedPersonId}}}, derived from {@code context.userId}. A template with a token that has
 * no value cannot be resolved: the query would ask for something else.
 */
public final class PrefetchTokenResolver {

  private static final Pattern TOKEN = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.]+)\\s*}}");
  private static final Map<String, String> USER_TOKENS =
      Map.of(
          "userPractitionerId", "Practitioner",
          "userPractitionerRoleId", "PractitionerRole",
          "userPatientId", "Patient",
          "userRelatedPersonId", "RelatedPerson");

  private final Map<String, String> values;

  /**
   * @param context the hook context's primitive fields by name ({@code patientId}, {@code userId},
   *     {@code encounterId}, ...)
   */
  public PrefetchTokenResolver(Map<String, String> context) {
    Map<String, String> tokens = new HashMap<>();
    context.forEach(
        (name, value) -> {
          if (value != null) {
            tokens.put("context." + name, value);
          }
        });
    String userId = context.get("userId");
    if (userId != null) {
      USER_TOKENS.forEach(
          (token, type) -> {
            if (userId.startsWith(type + "/")) {
              tokens.put(token, userId.substring(type.length() + 1));
            }
          });
    }
    this.values = Map.copyOf(tokens);
  }

  /** The template with every token replaced (values URL-encoded), or empty if a token is unset. */
  public Optional<String> resolve(String template) {
    Matcher matcher = TOKEN.matcher(template);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        return Optional.empty();
      }
      matcher.appendReplacement(
          out, Matcher.quoteReplacement(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    }
    matcher.appendTail(out);
    return Optional.of(out.toString());
  }
}
