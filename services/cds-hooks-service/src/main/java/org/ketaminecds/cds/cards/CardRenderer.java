package org.ketaminecds.cds.cards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ketaminecds.cds.RandomIds;
import org.ketaminecds.cds.cards.Card.Action;
import org.ketaminecds.cds.cards.Card.CardSource;
import org.ketaminecds.cds.cards.Card.Coding;
import org.ketaminecds.cds.cards.Card.Link;
import org.ketaminecds.cds.cards.Card.Suggestion;
import org.ketaminecds.cds.config.CdsProperties;
import org.ketaminecds.engine.AppliedModifier;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.Evaluation;
import org.ketaminecds.engine.Finding;
import org.ketaminecds.engine.MatchConfidence;
import org.ketaminecds.engine.Medication;
import org.ketaminecds.engine.MedicationMatch;
import org.ketaminecds.engine.Origin;
import org.ketaminecds.engine.knowledge.Evidence;
import org.ketaminecds.engine.knowledge.Modifier;
import org.ketaminecds.engine.knowledge.RulePack;
import org.ketaminecds.engine.knowledge.Source;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Writes findings up as cards: one card per finding, the summary naming both drugs and the risk,
 * the detail giving consequence, mechanism, what to do, the modifiers that applied and the evidence
 * with its sources. Card text comes from the rule pack; this class only arranges it.
 */
@Component
public class CardRenderer {

  public static final String RULE_SYSTEM = "https://ketamine-cds.example.org/fhir/CodeSystem/rule";

  /** Prefix of this service's card extension keys (CDS Hooks 2.0 extensions). */
  public static final String EXTENSION_PREFIX = "org.ketaminecds.";

  public static final String OVERRIDE_SYSTEM =
      "https://ketamine-cds.example.org/fhir/CodeSystem/override-reason";

  /** Suggestion ids a rule may offer; the rule pack schema lists the same ids. */
  public static final Set<String> SUGGESTIONS =
      Set.of("cancel-ketamine-order", "order-bp-monitoring");

  /** Reasons a clinician can give for going ahead; the EHR offers them when a card is dismissed. */
  static final List<Coding> OVERRIDE_REASONS =
      List.of(
          new Coding(
              OVERRIDE_SYSTEM, "specialist-protocol", "Specialist-supervised protocol in place"),
          new Coding(OVERRIDE_SYSTEM, "benefit-outweighs-risk", "Benefit outweighs the risk"),
          new Coding(OVERRIDE_SYSTEM, "no-longer-taking", "Patient no longer takes the medication"),
          new Coding(OVERRIDE_SYSTEM, "will-monitor", "Will monitor the patient"));

  private final ObjectMapper json;
  private final ZoneId zone;

  @Autowired
  public CardRenderer(ObjectMapper json, CdsProperties properties) {
    this(json, properties.timeZone());
  }

  /**
   * @param zone the zone whose calendar dates the cards give (when a reading was taken)
   */
  public CardRenderer(ObjectMapper json, ZoneId zone) {
    this.json = json;
    this.zone = zone;
  }

  /**
   * @param baseUrl absolute URL of this service, for links to the rule pages
   * @param incomplete human names of the data that could not be read ("conditions")
   * @param unidentified the patient's medications that carry no name and no code the check knows
   */
  public List<Card> render(
      Evaluation evaluation,
      RulePack pack,
      String patientId,
      String baseUrl,
      List<String> incomplete,
      List<Medication> unidentified) {
    List<Card> cards = new ArrayList<>();
    for (Finding finding : evaluation.findings()) {
      cards.add(card(finding, pack, patientId, baseUrl));
    }
    if (!evaluation.triggeringOrders().isEmpty() && !incomplete.isEmpty()) {
      cards.add(incompleteCard(pack, baseUrl, incomplete));
    }
    if (!evaluation.triggeringOrders().isEmpty() && !unidentified.isEmpty()) {
      cards.add(unidentifiedCard(pack, baseUrl, unidentified));
    }
    return cards;
  }

  /**
   * Entries the check could not identify (an NDC or local code alone, no name): they may be an
   * interacting drug, so the clinician is told to look, rather than shown a silent all-clear.
   */
  private Card unidentifiedCard(RulePack pack, String baseUrl, List<Medication> unidentified) {
    String entries =
        unidentified.stream()
            .map(
                m ->
                    plain(m.codes().stream().map(Code::readable).collect(Collectors.joining(" / ")))
                        + " ("
                        + where(m.origin())
                        + ")")
            .collect(Collectors.joining("; "));
    int n = unidentified.size();
    return incompleteCard(
        pack,
        baseUrl,
        "Ketamine interaction check incomplete: "
            + n
            + (n == 1 ? " medication" : " medications")
            + " could not be identified",
        "These entries on the patient's medication list carry no name and no code the check"
            + " recognises, so they were not checked against ketamine: "
            + entries
            + ". Find out what they are before going ahead.");
  }

  private Card card(Finding finding, RulePack pack, String patientId, String baseUrl) {
    var rule = finding.rule();
    String ruleUrl = baseUrl + "/rules/" + rule.id();
    List<Suggestion> suggestions = suggestions(finding, patientId);
    return new Card(
        RandomIds.uuid(),
        summary(finding),
        detail(finding, pack),
        finding.severity().indicator(),
        new CardSource(
            "Ketamine interaction rules " + pack.version(),
            ruleUrl,
            null,
            new Coding(RULE_SYSTEM, rule.id(), rule.title())),
        suggestions,
        suggestions.isEmpty() ? null : "at-most-one",
        OVERRIDE_REASONS,
        List.of(new Link("Rule details and sources", ruleUrl, "absolute", null)),
        extension(pack, finding.confidence()));
  }

  /**
   * Machine-readable facts for the EHR and for audit: the exact rule pack, and whether the match
   * rests on a code or on a name only.
   */
  private static Map<String, Object> extension(RulePack pack, MatchConfidence confidence) {
    Map<String, Object> extension = new LinkedHashMap<>();
    extension.put(
        EXTENSION_PREFIX + "rule-pack", Map.of("id", pack.id(), "version", pack.version()));
    if (confidence != null) {
      extension.put(
          EXTENSION_PREFIX + "match", confidence == MatchConfidence.TEXT ? "name-only" : "coded");
    }
    return extension;
  }

  /**
   * Under 140 characters, naming both drugs and the risk: "Ketamine + phenelzine (MAOI): risk of
   * hypertensive crisis". Drugs go by their matched ingredient rather than a long product string; a
   * match by name only says so.
   */
  static String summary(Finding finding) {
    String order = capitalise(finding.trigger().display());
    String risk = risk(finding);
    if (finding.bloodPressure().isPresent()) {
      return fit(order + " with BP " + finding.bloodPressure().get().display() + ": " + risk);
    }
    String what =
        Stream.concat(
                finding.medications().stream().map(MedicationMatch::name),
                finding.conditions().stream().map(c -> c.displayName()))
            .distinct()
            .collect(Collectors.joining(", "));
    String label = finding.rule().subject().label();
    if (finding.confidence() == MatchConfidence.TEXT) {
      label = label + ", matched by name";
    }
    String summary = order + " + " + what + " (" + label + "): " + risk;
    if (summary.length() > Card.MAX_SUMMARY) {
      summary = order + " + " + label + ": " + risk;
    }
    return fit(summary);
  }

  /**
   * The rule's risk, or where modifiers raised the card's severity, theirs: an SSRI card raised to
   * a warning by serotonergic load must not be summed up as "generally compatible".
   */
  private static String risk(Finding finding) {
    String raised =
        raisingModifiers(finding).stream()
            .map(Modifier::risk)
            .distinct()
            .collect(Collectors.joining("; "));
    return raised.isEmpty() ? finding.rule().risk() : raised;
  }

  /** The applied modifiers that made the card more severe than its rule, at its severity. */
  private static List<Modifier> raisingModifiers(Finding finding) {
    if (finding.severity().compareTo(finding.rule().severity()) <= 0) {
      return List.of();
    }
    return finding.appliedModifiers().stream()
        .map(AppliedModifier::modifier)
        .filter(m -> m.severity() == finding.severity())
        .toList();
  }

  private static String fit(String summary) {
    return summary.length() > Card.MAX_SUMMARY
        ? summary.substring(0, Card.MAX_SUMMARY - 1) + "…"
        : summary;
  }

  private static String orderName(Finding finding) {
    return capitalise(finding.trigger().display());
  }

  /**
   * Text from the patient's record (a medication's or condition's name, which a patient may have
   * typed) as literal text in the card's markdown: HTML and the markdown characters of links,
   * images, code and emphasis are escaped, and line breaks become spaces (no heading, list or table
   * can start mid-line), so a name can add no link, image, heading or markup to a card.
   */
  static String plain(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' || c == '\t') {
        out.append(' ');
      } else if (c == '<') {
        out.append("&lt;");
      } else if (c == '>') {
        out.append("&gt;");
      } else if (c == '&') {
        out.append("&amp;");
      } else if ("\\`*_[]".indexOf(c) >= 0) {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private String detail(Finding finding, RulePack pack) {
    var rule = finding.rule();
    StringBuilder md = new StringBuilder();
    md.append("**").append(rule.title()).append("**\n\n");
    md.append("**Found:** ").append(found(finding)).append("\n\n");
    if (finding.confidence() == MatchConfidence.TEXT) {
      md.append(
          "> Recognised by name only (no code we know): check that the entry really is this"
              + " medication or condition.\n\n");
    }
    List<Modifier> raising = raisingModifiers(finding);
    if (!raising.isEmpty()) {
      // Said first: the general risk below is the rule's, and milder than this patient's.
      md.append("**Raised to ")
          .append(finding.severity().indicator())
          .append(" for this patient:** ")
          .append(
              raising.stream()
                  .map(m -> capitalise(m.risk()) + " — " + lowerFirst(m.description()))
                  .collect(Collectors.joining("; ")))
          .append(". See below.\n\n");
    }
    md.append(raising.isEmpty() ? "**Risk:** " : "**Risk in general:** ")
        .append(rule.consequence())
        .append(' ')
        .append(rule.seriousness());
    md.append("\n\n**Why:** ").append(rule.mechanism());
    md.append("\n\n**What to do:** ").append(rule.action());
    modifiers(md, "For this patient", finding.appliedModifiers(), " → ");
    modifiers(md, "Could not be checked", finding.uncheckedModifiers(), " → would be ");
    if (!rule.frequency().isBlank()) {
      md.append("\n\n**How often:** ").append(rule.frequency());
    }
    md.append("\n\n**Evidence:**\n");
    Set<Evidence> evidence = new LinkedHashSet<>(rule.evidence());
    finding.appliedModifiers().forEach(m -> evidence.addAll(m.modifier().evidence()));
    for (Evidence e : evidence) {
      Source source = pack.source(e.source()).orElse(new Source(e.source(), e.source(), "", ""));
      md.append("- ").append(e.statement()).append(" — ");
      if (source.url().isBlank()) {
        md.append("*").append(source.title()).append("*");
      } else {
        md.append("[").append(source.title()).append("](").append(source.url()).append(")");
      }
      if (!source.citation().isBlank()) {
        md.append(", ").append(source.citation());
      }
      md.append('\n');
    }
    md.append("\nRule `")
        .append(rule.id())
        .append("`, rule pack ")
        .append(pack.id())
        .append(' ')
        .append(pack.version())
        .append(". Decision support: it informs, and does not replace, clinical judgement.");
    return md.toString();
  }

  /** One line per modifier: what it is, the patient's facts, the severity and its action. */
  private static void modifiers(
      StringBuilder md, String heading, List<AppliedModifier> modifiers, String arrow) {
    if (modifiers.isEmpty()) {
      return;
    }
    md.append("\n\n**").append(heading).append(":**\n");
    for (AppliedModifier applied : modifiers) {
      Modifier modifier = applied.modifier();
      md.append("- ")
          .append(modifier.description())
          .append(
              applied.facts().isEmpty()
                  ? ""
                  : " (" + plain(String.join(", ", applied.facts())) + ")")
          .append(arrow)
          .append(modifier.severity().indicator())
          .append(": ")
          .append(modifier.action())
          .append('\n');
    }
  }

  private static String where(Origin origin) {
    return switch (origin) {
      case DRAFT_ORDER -> "order in this session";
      case REQUEST -> "medication order";
      case STATEMENT -> "reported by the patient / medication list";
    };
  }

  private String found(Finding finding) {
    List<String> parts = new ArrayList<>();
    for (MedicationMatch match : finding.medications()) {
      Medication m = match.medication();
      String where = where(m.origin());
      String ended =
          m.endedOn()
              .map(
                  d ->
                      ", ended " + (d.equals(Medication.END_UNKNOWN) ? "on a day not recorded" : d))
              .orElse("");
      String byName = match.confidence() == MatchConfidence.TEXT ? ", recognised by name" : "";
      String entry = m.displayName();
      String name =
          entry.toLowerCase(Locale.ROOT).contains(match.name().toLowerCase(Locale.ROOT))
              ? entry
              : match.name() + " — " + entry;
      parts.add(plain(name) + " (" + where + ended + byName + ")");
    }
    finding
        .conditions()
        .forEach(
            c ->
                parts.add(
                    plain(c.displayName())
                        + c.past()
                            .map(p -> " (problem list, " + p + ")")
                            .orElse(" (problem list)")));
    // When it was taken: the rule reads the latest reading, however old it is.
    finding
        .bloodPressure()
        .ifPresent(
            bp ->
                parts.add(
                    "latest blood pressure "
                        + bp.display()
                        + bp.effective()
                            .map(t -> ", taken " + LocalDate.ofInstant(t, zone))
                            .orElse(", time not recorded")));
    return String.join("; ", parts);
  }

  private List<Suggestion> suggestions(Finding finding, String patientId) {
    List<Suggestion> result = new ArrayList<>();
    for (String id : finding.rule().suggestions()) {
      switch (id) {
        case "cancel-ketamine-order" -> {
          // Only a draft with an id can be named in a delete action (a relative reference); one
          // the EHR sent without an id gets no cancel suggestion rather than a broken one.
          if (finding.order().origin() == Origin.DRAFT_ORDER
              && finding.order().reference().contains("/")) {
            result.add(
                new Suggestion(
                    "Cancel the " + orderName(finding).toLowerCase() + " order",
                    RandomIds.uuid(),
                    finding.severity().compareTo(org.ketaminecds.engine.Severity.CRITICAL) >= 0,
                    List.of(
                        new Action(
                            "delete",
                            "Remove the draft " + orderName(finding).toLowerCase() + " order",
                            null,
                            finding.order().reference()))));
          }
        }
        case "order-bp-monitoring" ->
            result.add(
                new Suggestion(
                    "Order blood-pressure monitoring before, during and after the session",
                    RandomIds.uuid(),
                    false,
                    List.of(
                        new Action(
                            "create",
                            "Blood-pressure monitoring order",
                            bpMonitoringRequest(patientId),
                            null))));
        default -> {
          // An unknown suggestion id is caught by the pack validation test; render nothing.
        }
      }
    }
    return result;
  }

  private JsonNode bpMonitoringRequest(String patientId) {
    var request = json.createObjectNode();
    request.put("resourceType", "ServiceRequest");
    request.put("status", "draft");
    request.put("intent", "proposal");
    var code = request.putObject("code");
    var coding = code.putArray("coding").addObject();
    coding.put("system", "http://snomed.info/sct");
    coding.put("code", "46973005");
    coding.put("display", "Blood pressure taking");
    code.put("text", "Blood pressure monitoring before, during and after ketamine administration");
    request.putObject("subject").put("reference", "Patient/" + patientId);
    return request;
  }

  private Card incompleteCard(RulePack pack, String baseUrl, List<String> incomplete) {
    String missing = String.join(", ", incomplete);
    return incompleteCard(
        pack,
        baseUrl,
        "Ketamine interaction check incomplete: " + missing + " could not be read",
        "The check ran on the medications it could read, but the patient's "
            + missing
            + " could not be obtained from the EHR. Rules that depend on them (age, conditions,"
            + " blood pressure) were not evaluated. Review these yourself before going ahead.");
  }

  /** An info card saying what the check could not cover, under the check-incomplete topic. */
  private Card incompleteCard(RulePack pack, String baseUrl, String summary, String detail) {
    return new Card(
        RandomIds.uuid(),
        summary,
        detail,
        "info",
        new CardSource(
            "Ketamine interaction rules " + pack.version(),
            baseUrl + "/rules",
            null,
            new Coding(RULE_SYSTEM, "check-incomplete", "Interaction check incomplete")),
        List.of(),
        null,
        List.of(),
        List.of(),
        extension(pack, null));
  }
}
