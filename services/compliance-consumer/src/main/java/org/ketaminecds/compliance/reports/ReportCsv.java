package org.ketaminecds.compliance.reports;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a report as CSV (RFC 4180: comma-separated, CRLF, quotes doubled). Text that a spreadsheet
 * would run as a formula is prefixed with an apostrophe.
 */
public final class ReportCsv {

  private static final String CRLF = "\r\n";

  private ReportCsv() {}

  public static String write(Report<?> report) {
    StringBuilder csv = new StringBuilder();
    csv.append(line(List.copyOf(report.columns()))).append(CRLF);
    for (Record row : report.rows()) {
      csv.append(line(Report.values(row))).append(CRLF);
    }
    return csv.toString();
  }

  private static String line(List<?> values) {
    return values.stream().map(ReportCsv::cell).collect(Collectors.joining(","));
  }

  private static String cell(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    if (value instanceof String && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
