package org.ketaminecds.cds.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything an operator can set, bound once at the edge; the rest of the service receives plain
 * values.
 *
 * @param publicUrl the absolute URL clients reach this service at (used for card links); when
 *     empty, derived from each request
 * @param maxBodySize largest request body accepted (413 beyond it)
 * @param maxJsonDepth deepest nesting of JSON objects and arrays accepted in a request (400 beyond
 *     it); FHIR resources need about 15 levels
 * @param maxBundleEntries most entries accepted in one Bundle: context.draftOrders, each prefetch
 *     Bundle, and all pages of one FHIR search together
 * @param fhir limits for fetching data the EHR did not prefetch
 * @param cors origins allowed to call from a browser (e.g. the CDS Hooks sandbox)
 * @param knowledgeDirectory a directory with a rule pack to use instead of the built-in one
 * @param timeZone the zone whose calendar dates count for ages and washout periods
 */
@ConfigurationProperties(prefix = "cds")
public record CdsProperties(
    @DefaultValue("") String publicUrl,
    @DefaultValue("1MB") DataSize maxBodySize,
    @DefaultValue("64") int maxJsonDepth,
    @DefaultValue("1000") int maxBundleEntries,
    @DefaultValue Fhir fhir,
    @DefaultValue Cors cors,
    @DefaultValue("") String knowledgeDirectory,
    @DefaultValue("UTC") ZoneId timeZone) {

  public CdsProperties {
    if (publicUrl != null
        && !publicUrl.isBlank()
        && org.ketaminecds.cds.security.Urls.canonical(publicUrl).isEmpty()) {
      throw new IllegalArgumentException(
          "cds.public-url must be an absolute http(s) URL, such as https://cds.example.org: "
              + publicUrl);
    }
    Settings.positive("cds.max-body-size", maxBodySize == null ? 0 : maxBodySize.toBytes());
    Settings.atLeast("cds.max-json-depth", maxJsonDepth, 8);
    Settings.atLeast("cds.max-bundle-entries", maxBundleEntries, 1);
  }

  /**
   * @param connectTimeout time allowed to open a connection to the EHR's FHIR server
   * @param readTimeout time allowed for one response
   * @param totalTimeout time allowed for all fetches of one hook call together
   * @param maxPages pages of a search result followed at most
   */
  public record Fhir(
      @DefaultValue("500ms") Duration connectTimeout,
      @DefaultValue("1500ms") Duration readTimeout,
      @DefaultValue("2s") Duration totalTimeout,
      @DefaultValue("5") int maxPages) {

    public Fhir {
      Settings.positive("cds.fhir.connect-timeout", connectTimeout);
      Settings.positive("cds.fhir.read-timeout", readTimeout);
      Settings.positive("cds.fhir.total-timeout", totalTimeout);
      Settings.atLeast("cds.fhir.max-pages", maxPages, 1);
    }
  }

  public record Cors(@DefaultValue List<String> allowedOrigins) {}
}
