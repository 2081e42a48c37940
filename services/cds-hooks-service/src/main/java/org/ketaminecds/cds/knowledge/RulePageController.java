package org.ketaminecds.cds.knowledge;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.errors.ErrorCode;
import org.ketaminecds.engine.knowledge.Evidence;
import org.ketaminecds.engine.knowledge.KnowledgePack;
import org.ketaminecds.engine.knowledge.Modifier;
import org.ketaminecds.engine.knowledge.Rule;
import org.ketaminecds.engine.knowledge.RulePack;
import org.ketaminecds.engine.knowledge.Source;
import org.ketaminecds.engine.knowledge.Subject;
import org.ketaminecds.engine.knowledge.Terminology;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Human-readable pages for the rules, linked from every card's {@code source.url}: what the rule
 * says, its modifiers, and the evidence with sources. Public content; no patient data.
 */
@RestController
class RulePageController {

  private final RulePack pack;
  private final Terminology terminology;

  RulePageController(KnowledgePack knowledge) {
    this.pack = knowledge.rules();
    this.terminology = knowledge.terminology();
  }

  @GetMapping(path = "/rules", produces = MediaType.TEXT_HTML_VALUE)
  String index() {
    StringBuilder html = page(pack.title());
    html.append("<p>Rule pack <code>")
        .append(htmlEscape(pack.id()))
        .append("</code> version ")
        .append(htmlEscape(pack.version()))
        .append(".</p><table><tr><th>Rule</th><th>Severity</th><th>Risk</th></tr>");
    for (Rule rule : pack.rules()) {
      html.append("<tr><td><a href=\"rules/")
          .append(htmlEscape(rule.id()))
          .append("\">")
          .append(htmlEscape(rule.title()))
          .append("</a></td><td>")
          .append(rule.severity().indicator())
          .append("</td><td>")
          .append(htmlEscape(rule.risk()))
          .append("</td></tr>");
    }
    return html.append("</table></body></html>").toString();
  }

  @GetMapping(path = "/rules/{id}", produces = MediaType.TEXT_HTML_VALUE)
  String rule(@PathVariable String id) {
    Rule rule =
        pack.rule(id)
            .orElseThrow(() -> new CdsException(ErrorCode.NOT_FOUND, "no rule with that id"));
    StringBuilder html = page(rule.title());
    html.append("<p><strong>Drugs involved:</strong> ")
        .append(htmlEscape(String.join(", ", rule.triggers())))
        .append(" with ")
        .append(htmlEscape(involved(rule)));
    html.append("</p><p><strong>Severity:</strong> ").append(rule.severity().indicator());
    html.append("</p><p><strong>Consequence:</strong> ").append(htmlEscape(rule.consequence()));
    html.append("</p><p><strong>Seriousness:</strong> ").append(htmlEscape(rule.seriousness()));
    html.append("</p><p><strong>Mechanism:</strong> ").append(htmlEscape(rule.mechanism()));
    html.append("</p><p><strong>Recommended action:</strong> ").append(htmlEscape(rule.action()));
    if (!rule.frequency().isBlank()) {
      html.append("</p><p><strong>Frequency:</strong> ").append(htmlEscape(rule.frequency()));
    }
    html.append("</p>");
    if (!rule.modifiers().isEmpty()) {
      html.append("<h2>When the risk is higher</h2><ul>");
      for (Modifier m : rule.modifiers()) {
        html.append("<li>")
            .append(htmlEscape(m.description()))
            .append(" &rarr; <strong>")
            .append(m.severity().indicator())
            .append("</strong>: ")
            .append(htmlEscape(m.action()))
            .append(evidence(m.evidence()))
            .append("</li>");
      }
      html.append("</ul>");
    }
    html.append("<h2>Evidence</h2>").append(evidence(rule.evidence()));
    html.append("<p><small>Rule <code>")
        .append(htmlEscape(rule.id()))
        .append("</code>, rule pack ")
        .append(htmlEscape(pack.id()))
        .append(' ')
        .append(htmlEscape(pack.version()))
        .append(". Decision support only: it informs, and does not replace, clinical judgement.")
        .append("</small></p></body></html>");
    return html.toString();
  }

  private String involved(Rule rule) {
    String url = rule.subject().valueSet();
    if (rule.subject().kind() == Subject.Kind.BLOOD_PRESSURE) {
      return "a latest blood pressure of at least "
          + rule.subject().systolic()
          + "/"
          + rule.subject().diastolic()
          + " mmHg ("
          + url
          + ")";
    }
    String title = terminology.lookup(url).map(Terminology.ValueSetInfo::title).orElse(url);
    return title + " (" + url + ")";
  }

  private String evidence(java.util.List<Evidence> evidence) {
    StringBuilder html = new StringBuilder("<ul>");
    for (Evidence e : evidence) {
      Source source = pack.source(e.source()).orElse(new Source(e.source(), e.source(), "", ""));
      html.append("<li>").append(htmlEscape(e.statement())).append(" &mdash; ");
      if (source.url().isBlank()) {
        html.append("<em>").append(htmlEscape(source.title())).append("</em>");
      } else {
        html.append("<a href=\"")
            .append(htmlEscape(source.url()))
            .append("\">")
            .append(htmlEscape(source.title()))
            .append("</a>");
      }
      if (!source.citation().isBlank()) {
        html.append(", ").append(htmlEscape(source.citation()));
      }
      html.append("</li>");
    }
    return html.append("</ul>").toString();
  }

  private static StringBuilder page(String title) {
    return new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>")
        .append(htmlEscape(title))
        .append("</title><style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem")
        .append(" auto;padding:0 1rem;line-height:1.5}td,th{padding:.25rem .5rem;text-align:left}")
        .append("</style></head><body><h1>")
        .append(htmlEscape(title))
        .append("</h1>");
  }
}
