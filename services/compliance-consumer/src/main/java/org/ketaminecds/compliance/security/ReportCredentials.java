package org.ketaminecds.compliance.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.ketaminecds.compliance.reports.ReportProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The report password: the configured one, or else one generated on first start and kept in a file
 * only its owner can read, reused on later starts. The password itself is never logged.
 */
final class ReportCredentials {

  private static final Logger log = LoggerFactory.getLogger(ReportCredentials.class);

  private ReportCredentials() {}

  static String password(ReportProperties properties) {
    if (properties.password() != null && !properties.password().isBlank()) {
      return properties.password();
    }
    Path file = properties.passwordFile().toAbsolutePath().normalize();
    try {
      if (Files.isRegularFile(file)) {
        String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!kept.isEmpty()) {
          log.info("Reports need HTTP Basic: user '{}', password in {}", properties.user(), file);
          return kept;
        }
      }
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, generated + System.lineSeparator(), StandardCharsets.UTF_8);
      log.info(
          "Reports need HTTP Basic: user '{}', generated password written to {}",
          properties.user(),
          file);
      return generated;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the generated report password in " + file, e);
    }
  }
}
