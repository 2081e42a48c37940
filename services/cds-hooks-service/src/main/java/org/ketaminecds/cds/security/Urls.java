package org.ketaminecds.cds.security;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Comparing the URLs that decide where tokens and patient data may go. */
public final class Urls {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private Urls() {}

  /**
   * The URL in a canonical form for exact comparison: lower-case scheme and host, no default port,
   * no trailing slash. Empty unless it is an absolute http(s) URL without user info, query,
   * fragment or dot segments: such parts only serve to make one URL look like another.
   */
  public static Optional<String> canonical(String url) {
    if (url == null) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http"))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return Optional.empty();
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (hasDotSegment(path)) {
      return Optional.empty();
    }
    path = path.replaceAll("/+$", "");
    int port = uri.getPort();
    boolean defaultPort =
        (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
    return Optional.of(
        scheme
            + "://"
            + uri.getHost().toLowerCase(Locale.ROOT)
            + (port < 0 || defaultPort ? "" : ":" + port)
            + path);
  }

  /** Whether a path has a {@code .} or {@code ..} segment, which would move it elsewhere. */
  public static boolean hasDotSegment(String path) {
    return path.contains("/./")
        || path.contains("/../")
        || path.endsWith("/.")
        || path.endsWith("/..");
  }

  /** https, or http to this machine (a loopback literal or {@code localhost}). */
  static boolean secureOrLoopback(String canonicalUrl) {
    URI uri = URI.create(canonicalUrl);
    return "https".equals(uri.getScheme()) || isLoopback(uri.getHost());
  }

  /** Whether a host names this machine, judged from the text alone: no DNS lookup. */
  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (!IPV4.matcher(h).matches() && !h.contains(":")) {
      return false;
    }
    try {
      // A literal address: parsed, never resolved.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Scheme, host and port only: safe to log (no path that could carry an identifier). */
  static String origin(String url) {
    try {
      URI uri = new URI(url);
      return uri.getScheme()
          + "://"
          + uri.getHost()
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (URISyntaxException | RuntimeException e) {
      return "(unparseable)";
    }
  }
}
