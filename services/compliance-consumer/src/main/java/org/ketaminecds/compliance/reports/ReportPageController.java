package org.ketaminecds.compliance.reports;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code GET /reports}: every report for a range on one page, as tables, with a bar chart of alerts
 * per rule and of override rates. Plain HTML and inline SVG: nothing loaded from elsewhere.
 */
@Controller
class ReportPageController {

  private static final DateTimeFormatter SHOWN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
  private static final double CHART_WIDTH = 360;

  private final Reports reports;
  private final ZoneId zone;

  ReportPageController(Reports reports, ReportProperties properties) {
    this.reports = reports;
    this.zone = properties.timeZone();
  }

  /** A table as the page shows it: every cell already text. */
  record Table(
      String name,
      String title,
      List<String> columns,
      List<List<String>> rows,
      String csv,
      String json) {}

  /** One bar of a chart; width in SVG units. */
  record Bar(String label, String value, double width, String kind) {}

  @GetMapping({"/", "/reports"})
  String page(@RequestParam Optional<String> from, @RequestParam Optional<String> to, Model model) {
    TimeRange range = reports.range(from, to);
    List<Table> tables = new ArrayList<>();
    List<AlertCount> alerts = List.of();
    List<OverrideRate> rates = List.of();
    for (ReportName name : ReportName.values()) {
      Report<?> report = reports.run(name, range);
      tables.add(table(report, from, to));
      if (name == ReportName.ALERTS_BY_RULE) {
        alerts = rowsOf(report, AlertCount.class);
      } else if (name == ReportName.OVERRIDE_RATE) {
        rates = rowsOf(report, OverrideRate.class);
      }
    }
    model.addAttribute("from", from.orElse(""));
    model.addAttribute("to", to.orElse(""));
    model.addAttribute("rangeFrom", SHOWN.format(range.from().atZone(zone)));
    model.addAttribute("rangeTo", SHOWN.format(range.to().atZone(zone)));
    model.addAttribute("zone", zone.getId());
    model.addAttribute("tables", tables);
    model.addAttribute("alertBars", alertBars(alerts));
    model.addAttribute("rateBars", rateBars(rates));
    return "reports";
  }

  private Table table(Report<?> report, Optional<String> from, Optional<String> to) {
    List<List<String>> rows =
        report.rows().stream()
            .map(row -> Report.values(row).stream().map(this::text).toList())
            .toList();
    return new Table(
        report.report(),
        report.title(),
        report.columns(),
        rows,
        link(report.report(), "csv", from, to),
        link(report.report(), "json", from, to));
  }

  private static String link(
      String report, String format, Optional<String> from, Optional<String> to) {
    UriComponentsBuilder uri =
        UriComponentsBuilder.fromPath("/reports/{name}").queryParam("format", format);
    from.filter(s -> !s.isBlank()).ifPresent(value -> uri.queryParam("from", value));
    to.filter(s -> !s.isBlank()).ifPresent(value -> uri.queryParam("to", value));
    return uri.encode().buildAndExpand(report).toUriString();
  }

  private String text(Object value) {
    if (value == null) {
      return "—";
    }
    if (value instanceof Instant instant) {
      return SHOWN.format(instant.atZone(zone));
    }
    if (value instanceof Double fraction) {
      return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }
    return value.toString();
  }

  private static List<Bar> alertBars(List<AlertCount> alerts) {
    long most = alerts.stream().mapToLong(AlertCount::cards).max().orElse(1);
    return alerts.stream()
        .map(
            alert ->
                new Bar(
                    alert.ruleId() + " (" + alert.indicator() + ")",
                    Long.toString(alert.cards()),
                    CHART_WIDTH * alert.cards() / most,
                    alert.indicator()))
        .toList();
  }

  private static List<Bar> rateBars(List<OverrideRate> rates) {
    return rates.stream()
        .filter(rate -> rate.overrideRate() != null)
        .map(
            rate ->
                new Bar(
                    rate.ruleId(),
                    String.format(
                        Locale.ROOT,
                        "%.1f %% of %d",
                        rate.overrideRate() * 100,
                        rate.accepted() + rate.overridden()),
                    CHART_WIDTH * rate.overrideRate(),
                    "override"))
        .toList();
  }

  private static <T extends Record> List<T> rowsOf(Report<?> report, Class<T> type) {
    return report.rows().stream().map(type::cast).toList();
  }
}
