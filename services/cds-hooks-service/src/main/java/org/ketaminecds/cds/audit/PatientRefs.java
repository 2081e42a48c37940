package org.ketaminecds.cds.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns patient ids into what audit events carry. With a key, that is a keyed pseudonym
 * (HMAC-SHA256): stable, so one patient's events still share a record key and stay in order, yet
 * not reversible or recomputable without the key, unlike a plain hash of a guessable id.
 */
final class PatientRefs {

  /** Shorter keys would make the pseudonyms guessable by brute force over the key. */
  static final int MIN_KEY_LENGTH = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final Optional<SecretKeySpec> key;

  PatientRefs(String pseudonymKey) {
    if (pseudonymKey.isEmpty()) {
      this.key = Optional.empty();
    } else {
      if (pseudonymKey.length() < MIN_KEY_LENGTH) {
        throw new IllegalArgumentException(
            "cds.audit.pseudonym-key must be at least " + MIN_KEY_LENGTH + " characters long");
      }
      this.key =
          Optional.of(new SecretKeySpec(pseudonymKey.getBytes(StandardCharsets.UTF_8), ALGORITHM));
    }
  }

  PatientRef of(String patientId) {
    return key.map(k -> new PatientRef(hmac(k, patientId), true))
        .orElseGet(() -> new PatientRef(patientId, false));
  }

  private static String hmac(SecretKeySpec key, String patientId) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(patientId.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is a mandatory JCA algorithm; a JVM without it cannot run this service.
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
