package org.ketaminecds.compliance.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ketaminecds.compliance.ComplianceConsumerApplication;
import org.ketaminecds.compliance.errors.ComplianceException;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The {@code report} profile's command: prints one report, or all of them, as CSV or JSON on
 * standard output (or into a file), then the application exits. Options: {@code --report=NAME|all}
 * {@code --from=} {@code --to=} {@code --format=csv|json} {@code --output=FILE}.
 */
@Component
@Profile(ComplianceConsumerApplication.REPORT_PROFILE)
class ReportCommand implements ApplicationRunner, ExitCodeGenerator {

  static final String USAGE =
      """
      usage: --report=NAME|all [--from=DATE] [--to=DATE] [--format=csv|json] [--output=FILE]
        NAME   one of: %s
        DATE   2025-03-01 (start of that day) or 2025-03-01T08:00:00Z; 'to' is excluded
               (default: the last 30 days up to now)
      """;

  private final Reports reports;
  private final ObjectMapper json;
  private int exitCode;

  ReportCommand(Reports reports, ObjectMapper json) {
    this.reports = reports;
    this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
  }

  @Override
  public void run(ApplicationArguments arguments) {
    try {
      if (arguments.containsOption("help")) {
        System.out.print(usage());
        return;
      }
      String name = option(arguments, "report").orElse("all");
      String format = option(arguments, "format").orElse("csv");
      if (!format.equals("csv") && !format.equals("json")) {
        throw new InvalidReportRequestException("'format' must be csv or json");
      }
      TimeRange range = reports.range(option(arguments, "from"), option(arguments, "to"));
      List<Report<?>> results = new ArrayList<>();
      if (name.equals("all")) {
        for (ReportName report : ReportName.values()) {
          results.add(reports.run(report, range));
        }
      } else {
        results.add(reports.run(reports.name(name), range));
      }
      String text = format.equals("csv") ? csv(results) : json(name, results);
      Optional<String> output = option(arguments, "output");
      if (output.isPresent()) {
        Files.writeString(Path.of(output.get()), text, StandardCharsets.UTF_8);
      } else {
        PrintStream out = System.out;
        out.print(text);
        out.flush();
      }
    } catch (ComplianceException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(usage());
      exitCode = 2;
    } catch (IOException e) {
      System.err.println("error: cannot write the report: " + e.getMessage());
      exitCode = 1;
    }
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }

  private static String csv(List<Report<?>> results) {
    if (results.size() == 1) {
      return ReportCsv.write(results.get(0));
    }
    // Several tables in one stream: each under a heading line, separated by a blank line.
    StringBuilder text = new StringBuilder();
    for (Report<?> report : results) {
      text.append("# ")
          .append(report.title())
          .append(" (")
          .append(report.report())
          .append("), ")
          .append(report.from())
          .append(" to ")
          .append(report.to())
          .append("\r\n")
          .append(ReportCsv.write(report))
          .append("\r\n");
    }
    return text.toString();
  }

  private String json(String name, List<Report<?>> results) {
    try {
      Object value = name.equals("all") ? results : results.get(0);
      return json.writeValueAsString(value) + System.lineSeparator();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<String> option(ApplicationArguments arguments, String name) {
    List<String> values = arguments.getOptionValues(name);
    if (values == null || values.isEmpty()) {
      return Optional.empty();
    }
    if (values.size() > 1) {
      throw new InvalidReportRequestException("give --" + name + " once");
    }
    return Optional.of(values.get(0));
  }

  private static String usage() {
    return USAGE.formatted(
        String.join(
            ", ", java.util.Arrays.stream(ReportName.values()).map(ReportName::id).toList()));
  }
}
