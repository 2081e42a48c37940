package org.ketaminecds.cds.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Which endpoint a request is for, and the {@code aud} values a token for it may carry. CDS Hooks
 * 2.0: the aud is the URL of the endpoint called, e.g. {@code
 * https://cds.example.org/cds-services/some-service}; for feedback we accept that service URL with
 * or without the trailing {@code /feedback}.
 */
public final class Endpoints {

  static final String DISCOVERY = "/cds-services";
  private static final Pattern SERVICE = Pattern.compile("^/cds-services/([^/]+)(/feedback)?$");

  private final String publicUrl;
  private final List<String> configuredAudiences;

  /**
   * @param publicUrl the base URL clients reach the service at, or empty to derive it from each
   *     request (scheme, Host and forwarded headers)
   * @param configuredAudiences further accepted aud values
   */
  Endpoints(String publicUrl, List<String> configuredAudiences) {
    this.publicUrl = publicUrl.replaceAll("/+$", "");
    this.configuredAudiences =
        configuredAudiences.stream().map(Urls::canonical).flatMap(Optional::stream).toList();
  }

  /** The path within the application: {@code /cds-services/x/feedback}. */
  static String path(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    return context != null && !context.isEmpty() && uri.startsWith(context)
        ? uri.substring(context.length())
        : uri;
  }

  /** The service id of a service or feedback endpoint. */
  public static Optional<String> serviceId(HttpServletRequest request) {
    Matcher m = SERVICE.matcher(routedPath(request));
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * The path as Spring routes it, percent-escapes decoded: {@code
   * /cds-services/%6betamine-order-sign} is the order-sign service.
   */
  public static String routedPath(HttpServletRequest request) {
    return decoded(path(request));
  }

  /** Whether the request is for a service's feedback endpoint. */
  public static boolean atFeedback(HttpServletRequest request) {
    Matcher m = SERVICE.matcher(routedPath(request));
    return m.matches() && m.group(2) != null;
  }

  /** A path with its percent-escapes decoded; as it was, if they are not valid. */
  static String decoded(String path) {
    try {
      return org.springframework.web.util.UriUtils.decode(
          path, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return path;
    }
  }

  /** The endpoints that take a bearer token: everything under /cds-services. */
  static boolean takesToken(HttpServletRequest request, boolean openDiscovery) {
    String path = path(request);
    if (path.equals(DISCOVERY)) {
      return !(openDiscovery && "GET".equals(request.getMethod()));
    }
    return path.startsWith(DISCOVERY + "/");
  }

  /** Canonical aud values accepted for this request; the first is the endpoint's own URL. */
  List<String> audiences(HttpServletRequest request) {
    String base =
        publicUrl.isEmpty()
            ? ServletUriComponentsBuilder.fromContextPath(request)
                .replaceQuery(null)
                .build()
                .toUriString()
            : publicUrl;
    String path = path(request);
    Set<String> urls = new LinkedHashSet<>();
    Matcher m = SERVICE.matcher(path);
    if (m.matches()) {
      urls.add(base + DISCOVERY + "/" + m.group(1));
      if (m.group(2) != null) {
        urls.add(base + path);
      }
    } else {
      urls.add(base + path);
    }
    List<String> audiences = new ArrayList<>();
    urls.stream().map(Urls::canonical).flatMap(Optional::stream).forEach(audiences::add);
    audiences.addAll(configuredAudiences);
    if (audiences.isEmpty()) {
      // Nothing canonical to compare with: no token can match.
      audiences.add(base + path);
    }
    return audiences;
  }
}
