package org.ketaminecds.compliance.reports;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How reports are served ({@code compliance.reports.*}).
 *
 * @param user the HTTP Basic user for the report endpoints
 * @param password its password; a value starting with {@code {bcrypt}} is taken as a hash. When
 *     blank, a random password is generated once and kept in {@code passwordFile}
 * @param passwordFile where a generated password is kept (readable by its owner only)
 * @param timeZone the calendar for dates given as {@code 2025-03-01}
 * @param defaultPeriod the range reported when no 'from' is given: this long before 'to'
 */
@ConfigurationProperties("compliance.reports")
public record ReportProperties(
    String user, String password, Path passwordFile, ZoneId timeZone, Duration defaultPeriod) {

  public ReportProperties {
    if (defaultPeriod == null || defaultPeriod.isZero() || defaultPeriod.isNegative()) {
      throw new IllegalArgumentException(
          "compliance.reports.default-period must be a positive duration, not " + defaultPeriod);
    }
  }
}
