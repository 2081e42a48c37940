package org.ketaminecds.compliance.reports;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/** Runs a report by name over a range given as text: the entry point of every report surface. */
@Service
public class Reports {

  private final ReportQueries queries;
  private final ReportProperties properties;
  private final Clock clock;

  public Reports(ReportQueries queries, ReportProperties properties, Clock clock) {
    this.queries = queries;
    this.properties = properties;
    this.clock = clock;
  }

  public ReportName name(String id) {
    return ReportName.byId(id)
        .orElseThrow(
            () ->
                new UnknownReportException(
                    Arrays.stream(ReportName.values())
                        .map(ReportName::id)
                        .collect(Collectors.joining(", "))));
  }

  public TimeRange range(Optional<String> from, Optional<String> to) {
    return TimeRange.parse(
        from, to, properties.timeZone(), clock.instant(), properties.defaultPeriod());
  }

  public Report<?> run(ReportName name, TimeRange range) {
    return switch (name) {
      case SUMMARY -> Report.of(name, range, List.of(queries.summary(range)));
      case ALERTS_BY_RULE -> Report.of(name, range, queries.alertsByRule(range));
      case OVERRIDE_RATE -> Report.of(name, range, queries.overrideRate(range));
      case OVERRIDE_REASONS -> Report.of(name, range, queries.overrideReasons(range));
      case ACCEPTED_SUGGESTIONS -> Report.of(name, range, queries.acceptedSuggestions(range));
      case CALLS_BY_CLIENT -> Report.of(name, range, queries.callsByClient(range));
      case CALLS_BY_USER -> Report.of(name, range, queries.callsByUser(range));
      case LATENCY -> Report.of(name, range, queries.latency(range));
      case FEEDBACK_GAPS -> Report.of(name, range, queries.feedbackGaps(range));
    };
  }
}
