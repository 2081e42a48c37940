package org.ketaminecds.compliance.reports;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The half-open range [from, to) a report covers, by when each event was recorded. */
public record TimeRange(Instant from, Instant to) {

  public TimeRange {
    if (!from.isBefore(to)) {
      throw new InvalidReportRequestException("'from' must be before 'to'");
    }
  }

  /**
   * Reads the range as a person gives it: each end a date ({@code 2025-03-01}, the start of that
   * day in the report time zone) or a date-time with offset ({@code 2025-03-01T08:00:00Z}). A
   * missing 'to' is now; a missing 'from' is the default period before 'to'.
   */
  public static TimeRange parse(
      Optional<String> from,
      Optional<String> to,
      ZoneId zone,
      Instant now,
      Duration defaultPeriod) {
    Instant end = to.filter(s -> !s.isBlank()).map(s -> instant("to", s, zone)).orElse(now);
    Instant start =
        from.filter(s -> !s.isBlank())
            .map(s -> instant("from", s, zone))
            .orElse(end.minus(defaultPeriod));
    return new TimeRange(start, end);
  }

  private static Instant instant(String parameter, String text, ZoneId zone) {
    String value = text.strip();
    try {
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(zone).toInstant();
      }
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidReportRequestException(
          "'"
              + parameter
              + "' must be a date (2025-03-01) or a date-time with offset"
              + " (2025-03-01T08:00:00Z)");
    }
  }
}
