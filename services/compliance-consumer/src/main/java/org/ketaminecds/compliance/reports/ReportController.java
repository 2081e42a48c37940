package org.ketaminecds.compliance.reports;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /reports/{name}?from=&to=&format=json|csv}: one report over [from, to). */
@RestController
class ReportController {

  static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

  private final Reports reports;

  ReportController(Reports reports) {
    this.reports = reports;
  }

  @GetMapping("/reports/{name}")
  ResponseEntity<?> report(
      @PathVariable String name,
      @RequestParam Optional<String> from,
      @RequestParam Optional<String> to,
      @RequestParam(defaultValue = "json") String format) {
    ReportName report = reports.name(name);
    if (!format.equals("json") && !format.equals("csv")) {
      throw new InvalidReportRequestException("'format' must be json or csv");
    }
    Report<?> result = reports.run(report, reports.range(from, to));
    if (format.equals("json")) {
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(result);
    }
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(CSV);
    headers.setContentDisposition(
        ContentDisposition.attachment()
            .filename(fileName(result.report(), result.from(), result.to()))
            .build());
    return ResponseEntity.ok().headers(headers).body(ReportCsv.write(result));
  }

  private static String fileName(String report, Instant from, Instant to) {
    return (report + "_" + from + "_" + to).replace(':', '-') + ".csv";
  }
}
