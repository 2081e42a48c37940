package org.ketaminecds.cds.cards;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The body of a hook answer. {@code cards} is always present, even when empty. */
public record CdsResponse(@JsonInclude(JsonInclude.Include.ALWAYS) List<Card> cards) {

  public CdsResponse {
    cards = List.copyOf(cards);
  }

  public static CdsResponse empty() {
    return new CdsResponse(List.of());
  }
}
