package org.ketaminecds.cds;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random (version 4) UUIDs for cards and audit events, from a generator per thread.
 *
 * <p>{@link UUID#randomUUID()} draws from one JVM-wide {@code SecureRandom} whose default Linux
 * implementation reads under a global lock; under load, request threads queued on it for seconds
 * (JFR, issue 7). A per-thread DRBG is as unpredictable and never shared.
 */
public final class RandomIds {

  private static final ThreadLocal<SecureRandom> RANDOM =
      ThreadLocal.withInitial(RandomIds::newGenerator);

  private RandomIds() {}

  /** A new random UUID in its canonical text form. */
  public static String uuid() {
    byte[] bytes = new byte[16];
    RANDOM.get().nextBytes(bytes);
    bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
    bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
    ByteBuffer halves = ByteBuffer.wrap(bytes);
    return new UUID(halves.getLong(), halves.getLong()).toString();
  }

  private static SecureRandom newGenerator() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
