package org.ketaminecds.cds.alerts;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.ketaminecds.engine.Finding;

/**
 * State keys: keyed hashes (HMAC-SHA256) of the facts that identify a finding, so the shared topic
 * holds no patient or user id in the clear.
 */
final class AlertKeys {

  static final String SHOWN = "shown:";
  static final String CARD = "card:";
  static final String OVERRIDE = "override:";

  /** Used only when the operator set no key; the README says to set one. */
  private static final String DEFAULT_SECRET = "ketamine-cds-alert-state";

  private final SecretKeySpec secret;

  AlertKeys(String secret) {
    String value = secret == null || secret.isBlank() ? DEFAULT_SECRET : secret;
    this.secret = new SecretKeySpec(value.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** A finding as shown to one user, for one patient and encounter. */
  String shown(String userId, String patientId, String encounterId, Finding finding) {
    return SHOWN + hash(userId, patientId, encounterId, finding.rule().id(), subject(finding));
  }

  /** A finding for one patient and rule, whoever saw it: what an override silences. */
  String override(String patientId, String ruleId) {
    return OVERRIDE + hash(patientId, ruleId);
  }

  static String card(String cardUuid) {
    return CARD + cardUuid;
  }

  /** What the finding is about: the medications or conditions it found, in a stable order. */
  private static String subject(Finding finding) {
    List<String> refs =
        new java.util.ArrayList<>(
            finding.medications().stream().map(m -> m.medication().reference()).toList());
    finding.conditions().forEach(c -> refs.add(c.reference()));
    refs.sort(null);
    return String.join(",", refs);
  }

  private String hash(String... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(secret);
      for (String part : parts) {
        byte[] bytes = (part == null ? "" : part).getBytes(StandardCharsets.UTF_8);
        mac.update(Integer.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
        mac.update((byte) ':');
        mac.update(bytes);
      }
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
