package org.ketaminecds.engine.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.Route;
import org.ketaminecds.engine.Severity;

/**
 * Reads the rule pack and every value set it names, and refuses anything it cannot vouch for: an
 * unknown field value, a duplicate id, a value set URL with no file, a source that is not listed.
 * Each fault names the file it is in.
 *
 * <p>Layout (under a class-path prefix or a directory): {@code rules/<pack>.json} and {@code
 * valuesets/<name>.json}, where {@code <name>} is the last path segment of the value set's
 * canonical URL.
 */
public final class KnowledgePackLoader {

  /** The rule pack shipped in the fhir-profiles jar. */
  public static final String DEFAULT_RULE_PACK = "rules/ketamine-interactions.json";

  /** Marks a concept whose code is not yet confirmed against its terminology's authority. */
  public static final String UNVERIFIED_EXTENSION =
      "https://ketamine-cds.example.org/fhir/StructureDefinition/code-unverified";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Reader reader;

  private KnowledgePackLoader(Reader reader) {
    this.reader = reader;
  }

  /** Reads from the class path under {@code knowledge/} (the fhir-profiles jar). */
  public static KnowledgePackLoader fromClasspath() {
    ClassLoader loader = KnowledgePackLoader.class.getClassLoader();
    return new KnowledgePackLoader(
        path -> {
          InputStream in = loader.getResourceAsStream("knowledge/" + path);
          if (in == null) {
            throw new NoSuchFileException("knowledge/" + path);
          }
          return in;
        });
  }

  /** Reads from a directory laid out like fhir-profiles ({@code rules/}, {@code valuesets/}). */
  public static KnowledgePackLoader fromDirectory(Path root) {
    return new KnowledgePackLoader(path -> Files.newInputStream(root.resolve(path)));
  }

  public KnowledgePack load() {
    return load(DEFAULT_RULE_PACK);
  }

  public KnowledgePack load(String rulePackPath) {
    JsonNode root = read(rulePackPath);
    RulePackReader packReader = new RulePackReader(rulePackPath);
    RulePack pack = packReader.pack(root);
    List<ValueSetContent> valueSets = new ArrayList<>();
    for (String url : packReader.valueSetUrls) {
      valueSets.add(readValueSet(url));
    }
    return new KnowledgePack(pack, new InMemoryTerminology(valueSets));
  }

  /** The file that holds the value set with this canonical URL. */
  public static String valueSetPath(String url) {
    return "valuesets/" + url.substring(url.lastIndexOf('/') + 1) + ".json";
  }

  private JsonNode read(String path) {
    try (InputStream in = reader.open(path)) {
      return JSON.readTree(in);
    } catch (NoSuchFileException e) {
      throw new KnowledgePackException(path, "file not found");
    } catch (IOException e) {
      throw new KnowledgePackException(path, "not readable JSON: " + e.getMessage(), e);
    }
  }

  ValueSetContent readValueSet(String url) {
    String path = valueSetPath(url);
    JsonNode vs = read(path);
    if (!"ValueSet".equals(vs.path("resourceType").asText())) {
      throw new KnowledgePackException(path, "resourceType must be ValueSet");
    }
    if (!url.equals(vs.path("url").asText())) {
      throw new KnowledgePackException(
          path, "url is '" + vs.path("url").asText() + "' but the rule pack names '" + url + "'");
    }
    String version = required(path, vs, "version");
    Set<Code> codes = new HashSet<>();
    Set<Code> prefixes = new HashSet<>();
    Set<Code> unverified = new HashSet<>();
    Set<String> names = new LinkedHashSet<>();
    JsonNode includes = vs.path("compose").path("include");
    if (!includes.isArray() || includes.isEmpty()) {
      throw new KnowledgePackException(path, "compose.include must list at least one system");
    }
    for (JsonNode include : includes) {
      String system = required(path, include, "system");
      for (JsonNode concept : include.path("concept")) {
        Code code = new Code(system, required(path, concept, "code"));
        if (!codes.add(code)) {
          throw new KnowledgePackException(path, "duplicate code " + system + "|" + code.code());
        }
        names.add(concept.path("display").asText(""));
        concept.path("designation").forEach(d -> names.add(d.path("value").asText("")));
        for (JsonNode ext : concept.path("extension")) {
          if (UNVERIFIED_EXTENSION.equals(ext.path("url").asText())
              && ext.path("valueBoolean").asBoolean(false)) {
            unverified.add(code);
          }
        }
      }
      for (JsonNode filter : include.path("filter")) {
        String op = filter.path("op").asText();
        if (!"is-a".equals(op) && !"descendent-of".equals(op)) {
          throw new KnowledgePackException(
              path, "filter op '" + op + "' is not supported (only is-a / descendent-of)");
        }
        prefixes.add(new Code(system, required(path, filter, "value")));
      }
    }
    names.remove("");
    String title = vs.path("title").asText(vs.path("name").asText(url));
    return new ValueSetContent(
        new Terminology.ValueSetInfo(url, version, title, vs.path("name").asText(title)),
        codes,
        prefixes,
        List.copyOf(names),
        unverified);
  }

  private static String required(String file, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new KnowledgePackException(file, "'" + field + "' is required (a non-empty string)");
    }
    return value.asText();
  }

  /** Reads the rule pack's JSON into records, collecting every value set URL it names. */
  private static final class RulePackReader {
    private final String file;
    private final Set<String> valueSetUrls = new LinkedHashSet<>();
    private Map<String, Source> sources = Map.of();

    RulePackReader(String file) {
      this.file = file;
    }

    RulePack pack(JsonNode root) {
      String id = required(file, root, "id");
      String version = required(file, root, "version");
      String title = required(file, root, "title");
      sources = sources(root.path("sources"));
      List<Trigger> triggers = new ArrayList<>();
      Set<String> triggerIds = new HashSet<>();
      for (JsonNode t : array(root, "triggers", "the pack")) {
        Trigger trigger =
            new Trigger(
                required(file, t, "id"),
                required(file, t, "display"),
                valueSet(required(file, t, "valueSet")));
        if (!triggerIds.add(trigger.id())) {
          throw fault("duplicate trigger id '" + trigger.id() + "'");
        }
        triggers.add(trigger);
      }
      List<Rule> rules = new ArrayList<>();
      Set<String> ruleIds = new HashSet<>();
      for (JsonNode r : array(root, "rules", "the pack")) {
        Rule rule = rule(r, triggerIds);
        if (!ruleIds.add(rule.id())) {
          throw fault("duplicate rule id '" + rule.id() + "'");
        }
        rules.add(rule);
      }
      return new RulePack(id, version, title, sources, triggers, rules);
    }

    private Map<String, Source> sources(JsonNode node) {
      if (!node.isObject() || node.isEmpty()) {
        throw fault("'sources' must map source ids to {title, url}");
      }
      Map<String, Source> result = new LinkedHashMap<>();
      node.fields()
          .forEachRemaining(
              e ->
                  result.put(
                      e.getKey(),
                      new Source(
                          e.getKey(),
                          required(file, e.getValue(), "title"),
                          e.getValue().path("url").asText(""))));
      return result;
    }

    private Rule rule(JsonNode r, Set<String> triggerIds) {
      String id = required(file, r, "id");
      String where = "rule '" + id + "'";
      List<String> triggers = new ArrayList<>();
      for (JsonNode t : array(r, "triggers", where)) {
        if (!triggerIds.contains(t.asText())) {
          throw fault(where + " names unknown trigger '" + t.asText() + "'");
        }
        triggers.add(t.asText());
      }
      List<Modifier> modifiers = new ArrayList<>();
      Set<String> modifierIds = new HashSet<>();
      for (JsonNode m : r.path("modifiers")) {
        Modifier modifier = modifier(m, where);
        if (!modifierIds.add(modifier.id())) {
          throw fault(where + " has duplicate modifier id '" + modifier.id() + "'");
        }
        modifiers.add(modifier);
      }
      List<String> suggestions = new ArrayList<>();
      r.path("suggestions").forEach(s -> suggestions.add(s.asText()));
      return new Rule(
          id,
          required(file, r, "title"),
          required(file, r, "risk"),
          triggers,
          subject(r.path("subject"), where),
          severity(r, where),
          required(file, r, "consequence"),
          required(file, r, "seriousness"),
          required(file, r, "mechanism"),
          required(file, r, "action"),
          r.path("frequency").asText(""),
          evidence(r, where),
          modifiers,
          suggestions);
    }

    private Subject subject(JsonNode s, String where) {
      String label = required(file, s, "label");
      if (s.has("medicationClass")) {
        int lookback = s.path("lookbackDays").asInt(0);
        if (lookback < 0) {
          throw fault(where + ": lookbackDays must not be negative");
        }
        return new Subject(
            Subject.Kind.MEDICATION,
            valueSet(s.get("medicationClass").asText()),
            label,
            lookback,
            0,
            0);
      }
      if (s.has("conditionGroup")) {
        return new Subject(
            Subject.Kind.CONDITION, valueSet(s.get("conditionGroup").asText()), label, 0, 0, 0);
      }
      if (s.has("bloodPressureAtLeast")) {
        JsonNode bp = s.get("bloodPressureAtLeast");
        return new Subject(
            Subject.Kind.BLOOD_PRESSURE,
            "",
            label,
            0,
            positive(bp, "systolic", where),
            positive(bp, "diastolic", where));
      }
      throw fault(
          where + ": subject needs medicationClass, conditionGroup or bloodPressureAtLeast");
    }

    private Modifier modifier(JsonNode m, String where) {
      String id = required(file, m, "id");
      String inner = where + " modifier '" + id + "'";
      return new Modifier(
          id,
          required(file, m, "description"),
          condition(m.path("when"), inner),
          severity(m, inner),
          required(file, m, "action"),
          evidence(m, inner));
    }

    private ModifierCondition condition(JsonNode when, String where) {
      if (!when.isObject() || when.size() != 1) {
        throw fault(where + ": 'when' must hold exactly one condition");
      }
      String kind = when.fieldNames().next();
      JsonNode value = when.get(kind);
      return switch (kind) {
        case "ageAtLeast" -> new ModifierCondition.AgeAtLeast(positiveInt(value, where));
        case "condition" -> new ModifierCondition.HasCondition(valueSet(value.asText()));
        case "bloodPressureAtLeast" ->
            new ModifierCondition.BloodPressureAtLeast(
                positive(value, "systolic", where), positive(value, "diastolic", where));
        case "orderRoute" -> new ModifierCondition.OrderRoute(route(value.asText(), where));
        case "distinctClassesAtLeast" -> {
          List<String> urls = new ArrayList<>();
          array(value, "valueSets", where).forEach(v -> urls.add(valueSet(v.asText())));
          int count = positive(value, "count", where);
          if (count > urls.size()) {
            throw fault(where + ": count " + count + " exceeds the " + urls.size() + " classes");
          }
          yield new ModifierCondition.DistinctClassesAtLeast(urls, count);
        }
        case "anyOf" -> {
          if (!value.isArray() || value.isEmpty()) {
            throw fault(where + ": anyOf needs a non-empty list");
          }
          List<ModifierCondition> all = new ArrayList<>();
          value.forEach(v -> all.add(condition(v, where)));
          yield new ModifierCondition.AnyOf(all);
        }
        default -> throw fault(where + ": unknown condition '" + kind + "'");
      };
    }

    private List<Evidence> evidence(JsonNode node, String where) {
      List<Evidence> result = new ArrayList<>();
      for (JsonNode e : array(node, "evidence", where)) {
        String source = required(file, e, "source");
        if (!sources.containsKey(source)) {
          throw fault(where + " cites source '" + source + "', which 'sources' does not list");
        }
        result.add(new Evidence(source, required(file, e, "statement")));
      }
      if (result.isEmpty()) {
        throw fault(where + " needs at least one piece of evidence");
      }
      return result;
    }

    private Severity severity(JsonNode node, String where) {
      String value = required(file, node, "severity");
      try {
        return Severity.fromIndicator(value);
      } catch (IllegalArgumentException e) {
        throw fault(where + ": severity '" + value + "' is not info, warning or critical");
      }
    }

    private Route route(String value, String where) {
      try {
        return Route.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw fault(where + ": unknown route '" + value + "'");
      }
    }

    private String valueSet(String url) {
      if (url == null || !url.startsWith("http")) {
        throw fault("value set reference '" + url + "' is not a canonical URL");
      }
      valueSetUrls.add(url);
      return url;
    }

    private Iterable<JsonNode> array(JsonNode node, String field, String where) {
      JsonNode value = node.get(field);
      if (value == null || !value.isArray() || value.isEmpty()) {
        throw fault(where + ": '" + field + "' must be a non-empty list");
      }
      return value;
    }

    private int positive(JsonNode node, String field, String where) {
      return positiveInt(node.get(field), where + " '" + field + "'");
    }

    private int positiveInt(JsonNode value, String where) {
      if (value == null
          || !value.canConvertToInt()
          || !value.isIntegralNumber()
          || value.asInt() <= 0) {
        throw fault(where + " must be a positive whole number");
      }
      return value.asInt();
    }

    private KnowledgePackException fault(String message) {
      return new KnowledgePackException(file, message);
    }
  }

  @FunctionalInterface
  private interface Reader {
    InputStream open(String path) throws IOException;
  }
}
