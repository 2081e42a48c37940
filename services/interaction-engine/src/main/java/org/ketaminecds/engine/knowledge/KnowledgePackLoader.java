package org.ketaminecds.engine.knowledge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.Collectors;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.Route;
import org.ketaminecds.engine.Severity;

/**
 * Reads the rule pack and every value set it names, and refuses anything it cannot vouch for: a
 * pack that breaks its JSON Schema, a duplicate id, a value set URL with no file, a value set whose
 * URL differs from the one named, a source that is not listed, a ValueSet construct the matcher
 * cannot honour. Each fault names the file it is in. Callers can add checks of their own (the
 * service parses every ValueSet with HAPI FHIR).
 *
 * <p>Layout (under a class-path prefix or a directory): {@code rules/<pack>.json} and {@code
 * valuesets/<name>.json}, where {@code <name>} is the last path segment of the value set's
 * canonical URL. The schema is always the one on the class path ({@value #SCHEMA}), so a pack from
 * a directory is held to the rules of the running service.
 */
public final class KnowledgePackLoader {

  /** The rule pack shipped in the fhir-profiles jar. */
  public static final String DEFAULT_RULE_PACK = "rules/ketamine-interactions.json";

  /** The JSON Schema every rule pack must satisfy, on the class path. */
  public static final String SCHEMA = "knowledge/rules/rule-pack.schema.json";

  /** Marks a concept whose code is not yet confirmed against its terminology's authority. */
  public static final String UNVERIFIED_EXTENSION =
      "https://ketamine-cds.example.org/fhir/StructureDefinition/code-unverified";

  /**
   * The designation uses of our names; {@code excluded-phrase} marks text that is not the concept.
   */
  private static final String DESIGNATION_USE =
      "https://ketamine-cds.example.org/fhir/CodeSystem/designation-use";

  private static final String EXCLUDED_PHRASE = "excluded-phrase";

  /** On a product concept: an ingredient it contains (repeats for combination products). */
  public static final String INGREDIENT_EXTENSION =
      "https://ketamine-cds.example.org/fhir/StructureDefinition/ingredient";

  /** Systems whose codes are hierarchical by prefix, so an is-a filter can be a prefix match. */
  private static final Set<String> PREFIX_SYSTEMS = Set.of(Code.ATC, Code.ICD10CM, Code.ICD10);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Reader reader;
  private final List<ValueSetCheck> checks;

  private KnowledgePackLoader(Reader reader, List<ValueSetCheck> checks) {
    this.reader = reader;
    this.checks = List.copyOf(checks);
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
        },
        List.of());
  }

  /** Reads from a directory laid out like fhir-profiles ({@code rules/}, {@code valuesets/}). */
  public static KnowledgePackLoader fromDirectory(Path root) {
    return new KnowledgePackLoader(path -> Files.newInputStream(root.resolve(path)), List.of());
  }

  /** A loader that also runs this check on every value set file before using it. */
  public KnowledgePackLoader withValueSetCheck(ValueSetCheck check) {
    List<ValueSetCheck> all = new ArrayList<>(checks);
    all.add(check);
    return new KnowledgePackLoader(reader, all);
  }

  public KnowledgePack load() {
    return load(DEFAULT_RULE_PACK);
  }

  public KnowledgePack load(String rulePackPath) {
    JsonNode root = tree(rulePackPath, text(rulePackPath));
    validateSchema(rulePackPath, root);
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

  private String text(String path) {
    try (InputStream in = reader.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new KnowledgePackException(path, "file not found");
    } catch (IOException e) {
      throw new KnowledgePackException(path, "not readable: " + e.getMessage(), e);
    }
  }

  private static JsonNode tree(String path, String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new KnowledgePackException(path, "not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void validateSchema(String path, JsonNode root) {
    Set<ValidationMessage> problems = schema().validate(root);
    if (!problems.isEmpty()) {
      throw new KnowledgePackException(
          path,
          "does not match "
              + SCHEMA.substring(SCHEMA.lastIndexOf('/') + 1)
              + ": "
              + problems.stream()
                  .map(ValidationMessage::getMessage)
                  .sorted()
                  .limit(20)
                  .collect(Collectors.joining("; ")));
    }
  }

  private static JsonSchema schema() {
    try (InputStream in = KnowledgePackLoader.class.getClassLoader().getResourceAsStream(SCHEMA)) {
      if (in == null) {
        throw new KnowledgePackException(SCHEMA, "not found on the class path");
      }
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    } catch (IOException e) {
      throw new KnowledgePackException(SCHEMA, "not readable: " + e.getMessage(), e);
    }
  }

  ValueSetContent readValueSet(String url) {
    String path = valueSetPath(url);
    String text = text(path);
    for (ValueSetCheck check : checks) {
      check.check(path, text);
    }
    JsonNode vs = tree(path, text);
    if (!"ValueSet".equals(vs.path("resourceType").asText())) {
      throw new KnowledgePackException(path, "resourceType must be ValueSet");
    }
    if (!url.equals(vs.path("url").asText())) {
      throw new KnowledgePackException(
          path, "url is '" + vs.path("url").asText() + "' but the rule pack names '" + url + "'");
    }
    String version = required(path, vs, "version");
    required(path, vs, "description");
    if (vs.path("compose").has("exclude")) {
      throw new KnowledgePackException(
          path, "compose.exclude is not supported; list what to include");
    }
    Map<Code, ValueSetContent.Concept> concepts = new LinkedHashMap<>();
    Set<Code> prefixes = new HashSet<>();
    Set<ValueSetContent.Name> names = new LinkedHashSet<>();
    JsonNode includes = vs.path("compose").path("include");
    if (!includes.isArray() || includes.isEmpty()) {
      throw new KnowledgePackException(path, "compose.include must list at least one system");
    }
    for (JsonNode include : includes) {
      String system = required(path, include, "system");
      if (include.has("valueSet")) {
        throw new KnowledgePackException(
            path, "compose.include.valueSet is not supported; list the codes");
      }
      // FHIR R4 invariant vsd-3: an include has concepts or filters, not both.
      if (include.has("concept") && include.has("filter")) {
        throw new KnowledgePackException(
            path, "an include of " + system + " has both concept and filter (FHIR vsd-3)");
      }
      if (!include.has("concept") && !include.has("filter")) {
        throw new KnowledgePackException(
            path, "an include of " + system + " lists no concept or filter (the whole system)");
      }
      for (JsonNode c : include.path("concept")) {
        ValueSetContent.Concept concept = concept(path, system, c);
        if (concepts.put(concept.code(), concept) != null) {
          throw new KnowledgePackException(
              path, "duplicate code " + system + "|" + concept.code().code());
        }
        // A product's name is its ingredients' names; the product string itself ("ALPRAZOLAM
        // 1MG TAB") would add nothing to text matching.
        String standsFor = concept.names().get(0);
        concept.names().forEach(n -> names.add(new ValueSetContent.Name(n, n)));
        for (JsonNode d : c.path("designation")) {
          JsonNode use = d.path("use");
          boolean exclusion =
              DESIGNATION_USE.equals(use.path("system").asText())
                  && EXCLUDED_PHRASE.equals(use.path("code").asText());
          names.add(new ValueSetContent.Name(required(path, d, "value"), standsFor, exclusion));
        }
      }
      for (JsonNode filter : include.path("filter")) {
        String op = filter.path("op").asText();
        if (!"is-a".equals(op) && !"descendent-of".equals(op)) {
          throw new KnowledgePackException(
              path, "filter op '" + op + "' is not supported (only is-a / descendent-of)");
        }
        if (!PREFIX_SYSTEMS.contains(system)) {
          throw new KnowledgePackException(
              path,
              "an is-a filter on "
                  + system
                  + " cannot be honoured without a terminology server; list the codes");
        }
        prefixes.add(new Code(system, required(path, filter, "value")));
      }
    }
    String title = vs.path("title").asText(vs.path("name").asText(url));
    return new ValueSetContent(
        new Terminology.ValueSetInfo(url, version, title, vs.path("name").asText(title)),
        concepts,
        prefixes,
        List.copyOf(names));
  }

  private static ValueSetContent.Concept concept(String path, String system, JsonNode c) {
    Code code = new Code(system, required(path, c, "code"));
    String display = required(path, c, "display");
    boolean unverified = false;
    List<String> ingredients = new ArrayList<>();
    for (JsonNode ext : c.path("extension")) {
      String extUrl = ext.path("url").asText();
      if (UNVERIFIED_EXTENSION.equals(extUrl)) {
        unverified = ext.path("valueBoolean").asBoolean(false);
      } else if (INGREDIENT_EXTENSION.equals(extUrl)) {
        ingredients.add(required(path, ext, "valueString"));
      }
    }
    return new ValueSetContent.Concept(code, display, ingredients, unverified);
  }

  private static String required(String file, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new KnowledgePackException(file, "'" + field + "' is required (a non-empty string)");
    }
    return value.asText();
  }

  /**
   * A check run on every value set file before it is used; throws {@link KnowledgePackException}
   * naming the file and the fault.
   */
  @FunctionalInterface
  public interface ValueSetCheck {
    void check(String path, String json);
  }

  /**
   * Reads the rule pack's JSON into records, collecting every value set URL it names. The schema
   * has already checked shapes and types; this checks what a schema cannot: uniqueness and
   * references.
   */
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
      for (JsonNode t : root.path("triggers")) {
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
      for (JsonNode r : root.path("rules")) {
        Rule rule = rule(r, triggerIds);
        if (!ruleIds.add(rule.id())) {
          throw fault("duplicate rule id '" + rule.id() + "'");
        }
        rules.add(rule);
      }
      // Loaded into the terminology so that their codes identify a medication; no rule names them.
      for (JsonNode url : root.path("recognisedWithoutInteraction")) {
        valueSet(url.asText());
      }
      return new RulePack(id, version, title, sources, triggers, rules);
    }

    private Map<String, Source> sources(JsonNode node) {
      Map<String, Source> result = new LinkedHashMap<>();
      node.fields()
          .forEachRemaining(
              e ->
                  result.put(
                      e.getKey(),
                      new Source(
                          e.getKey(),
                          required(file, e.getValue(), "title"),
                          e.getValue().path("citation").asText(""),
                          e.getValue().path("url").asText(""))));
      return result;
    }

    private Rule rule(JsonNode r, Set<String> triggerIds) {
      String id = required(file, r, "id");
      String where = "rule '" + id + "'";
      List<String> triggers = new ArrayList<>();
      for (JsonNode t : r.path("triggers")) {
        if (!triggerIds.contains(t.asText())) {
          throw fault(where + " names unknown trigger '" + t.asText() + "'");
        }
        triggers.add(t.asText());
      }
      Severity severity = severity(r, where);
      List<Modifier> modifiers = new ArrayList<>();
      Set<String> modifierIds = new HashSet<>();
      for (JsonNode m : r.path("modifiers")) {
        Modifier modifier = modifier(m, where);
        if (!modifierIds.add(modifier.id())) {
          throw fault(where + " has duplicate modifier id '" + modifier.id() + "'");
        }
        if (modifier.severity().compareTo(severity) > 0 && modifier.risk().isBlank()) {
          throw fault(
              where
                  + " modifier '"
                  + modifier.id()
                  + "' raises the severity, so it needs its own 'risk' for the card's summary");
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
          severity,
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
        return new Subject(
            Subject.Kind.MEDICATION,
            valueSet(s.get("medicationClass").asText()),
            label,
            s.path("lookbackDays").asInt(0),
            0,
            0);
      }
      if (s.has("conditionGroup")) {
        return new Subject(
            Subject.Kind.CONDITION,
            valueSet(s.get("conditionGroup").asText()),
            label,
            0,
            0,
            0,
            s.path("includePast").asBoolean(false));
      }
      if (s.has("bloodPressureAtLeast")) {
        JsonNode bp = s.get("bloodPressureAtLeast");
        return new Subject(
            Subject.Kind.BLOOD_PRESSURE,
            valueSet(required(file, s, "observations")),
            label,
            0,
            bp.path("systolic").asInt(),
            bp.path("diastolic").asInt());
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
          evidence(m, inner),
          m.path("risk").asText(""));
    }

    private ModifierCondition condition(JsonNode when, String where) {
      if (!when.isObject() || when.size() != 1) {
        throw fault(where + ": 'when' must hold exactly one condition");
      }
      String kind = when.fieldNames().next();
      JsonNode value = when.get(kind);
      return switch (kind) {
        case "ageAtLeast" -> new ModifierCondition.AgeAtLeast(value.asInt());
        case "condition" -> new ModifierCondition.HasCondition(valueSet(value.asText()), false);
        case "conditionIncludingPast" ->
            new ModifierCondition.HasCondition(valueSet(value.asText()), true);
        case "bloodPressureAtLeast" ->
            new ModifierCondition.BloodPressureAtLeast(
                value.path("systolic").asInt(), value.path("diastolic").asInt());
        case "orderRoute" ->
            new ModifierCondition.OrderRoute(
                Route.valueOf(value.asText().trim().toUpperCase(Locale.ROOT)));
        case "distinctClassesAtLeast" -> {
          List<String> urls = new ArrayList<>();
          value.path("valueSets").forEach(v -> urls.add(valueSet(v.asText())));
          int count = value.path("count").asInt();
          if (count > urls.size()) {
            throw fault(where + ": count " + count + " exceeds the " + urls.size() + " classes");
          }
          yield new ModifierCondition.DistinctClassesAtLeast(urls, count);
        }
        case "distinctAgentsAtLeast" ->
            new ModifierCondition.DistinctAgentsAtLeast(
                valueSet(value.path("valueSet").asText()), value.path("count").asInt());
        case "anyOf" -> {
          List<ModifierCondition> all = new ArrayList<>();
          value.forEach(v -> all.add(condition(v, where)));
          yield new ModifierCondition.AnyOf(all);
        }
        default -> throw fault(where + ": unknown condition '" + kind + "'");
      };
    }

    private List<Evidence> evidence(JsonNode node, String where) {
      List<Evidence> result = new ArrayList<>();
      for (JsonNode e : node.path("evidence")) {
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

    private String valueSet(String url) {
      if (url == null || !url.startsWith("https://")) {
        throw fault("value set reference '" + url + "' is not a canonical URL");
      }
      valueSetUrls.add(url);
      return url;
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
