package org.ketaminecds.cds.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Well-formed UTF-8 passes however long; every kind of malformed sequence is refused. */
class Utf8RequestBodiesTest {

  @Test
  void wellFormedText_passes_evenWhenCharactersStraddleTheDecodingBuffer() {
    String text = "{\"note\":\"" + "é€😀".repeat(5_000) + "\"}";
    for (int shift = 0; shift < 4; shift++) {
      byte[] body = ("x".repeat(shift) + text).getBytes(StandardCharsets.UTF_8);
      assertThat(Utf8RequestBodies.wellFormed(body)).as("shift %d", shift).isTrue();
    }
    assertThat(Utf8RequestBodies.wellFormed(new byte[0])).isTrue();
  }

  @Test
  void malformedSequences_areRefused() {
    byte[][] malformed = {
      {'{', (byte) 0xC0, (byte) 0xAF, '}'}, // overlong '/'
      {'{', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '}'}, // an encoded surrogate
      {'{', (byte) 0xFF, '}'}, // never valid
      {'{', '"', (byte) 0xE2, (byte) 0x82}, // cut off at the end
      {'{', (byte) 0x80, '}'}, // a continuation byte alone
    };
    for (byte[] body : malformed) {
      assertThat(Utf8RequestBodies.wellFormed(body)).isFalse();
    }
    byte[] late = ("{\"a\":\"" + "b".repeat(5_000)).getBytes(StandardCharsets.UTF_8);
    late[4_000] = (byte) 0xC3; // a lead byte followed by an ASCII byte
    assertThat(Utf8RequestBodies.wellFormed(late)).isFalse();
  }
}
