package org.ketaminecds.compliance.reports;

import java.util.Arrays;
import java.util.Optional;

/** The reports there are, by the name used in URLs and on the command line. */
public enum ReportName {
  SUMMARY("summary", "Summary", Summary.class),
  ALERTS_BY_RULE("alerts-by-rule", "Alerts by rule and indicator", AlertCount.class),
  OVERRIDE_RATE("override-rate", "Override rate per rule", OverrideRate.class),
  OVERRIDE_REASONS("override-reasons", "Override reasons per rule", OverrideReasonCount.class),
  ACCEPTED_SUGGESTIONS(
      "accepted-suggestions", "Accepted suggestions per rule", AcceptedSuggestions.class),
  CALLS_BY_CLIENT("calls-by-client", "Calls per EHR client", ClientCalls.class),
  CALLS_BY_USER("calls-by-user", "Calls per user", UserCalls.class),
  LATENCY("latency", "Service latency", Latency.class),
  FEEDBACK_GAPS("feedback-gaps", "Calls whose cards got no feedback", FeedbackGap.class);

  private final String id;
  private final String title;
  private final Class<? extends Record> rowType;

  ReportName(String id, String title, Class<? extends Record> rowType) {
    this.id = id;
    this.title = title;
    this.rowType = rowType;
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  public Class<? extends Record> rowType() {
    return rowType;
  }

  public static Optional<ReportName> byId(String id) {
    return Arrays.stream(values()).filter(name -> name.id.equals(id)).findFirst();
  }
}
