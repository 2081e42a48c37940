package org.ketaminecds.cds.badinput;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so a test controls every byte on the wire: headers an HTTP client
 * library refuses to send (a false Content-Length), chunked bodies, bytes that are not UTF-8. The
 * body is written on another thread while the answer is read, as a server may answer (413) before
 * it has read a large body.
 */
final class RawHttp {

  private static final int TIMEOUT_MILLIS = 30_000;

  /** What the server answered. */
  record Response(int status, Map<String, String> headers, String body) {}

  /**
   * @param headers sent as given, after {@code Host} and {@code Connection: close}
   * @param chunked send the body with {@code Transfer-Encoding: chunked} in 8 KB chunks
   * @param declaredLength a Content-Length to declare instead of the body's length, or -1
   */
  record Request(
      String method,
      String path,
      Map<String, String> headers,
      byte[] body,
      boolean chunked,
      long declaredLength) {}

  private final int port;

  RawHttp(int port) {
    this.port = port;
  }

  String authority() {
    return "127.0.0.1:" + port;
  }

  Response send(Request request) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(head(request).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Thread writer =
          new Thread(
              () -> {
                try {
                  writeBody(out, request);
                } catch (IOException e) {
                  // The server answered and closed before reading all of it: the answer counts.
                }
              },
              "raw-http-body");
      writer.setDaemon(true);
      writer.start();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new AssertionError("no HTTP answer: " + e, e);
    }
  }

  private String head(Request request) {
    StringBuilder head = new StringBuilder();
    head.append(request.method()).append(' ').append(request.path()).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(authority()).append("\r\n");
    head.append("Connection: close\r\n");
    request.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (request.chunked()) {
      head.append("Transfer-Encoding: chunked\r\n");
    } else if (request.declaredLength() >= 0) {
      head.append("Content-Length: ").append(request.declaredLength()).append("\r\n");
    } else if (request.body() != null) {
      head.append("Content-Length: ").append(request.body().length).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  private static void writeBody(OutputStream out, Request request) throws IOException {
    byte[] body = request.body() == null ? new byte[0] : request.body();
    if (request.chunked()) {
      for (int offset = 0; offset < body.length; offset += 8192) {
        int length = Math.min(8192, body.length - offset);
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, offset, length);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    } else {
      out.write(body);
    }
    out.flush();
  }

  private static Response read(InputStream in) throws IOException {
    String statusLine = line(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(in); !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    byte[] body;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
        all.write(in.readNBytes(size));
        line(in);
      }
      body = all.toByteArray();
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static int chunkSize(InputStream in) throws IOException {
    String line = line(in);
    int extension = line.indexOf(';');
    return Integer.parseInt((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed mid-answer");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
