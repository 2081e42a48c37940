package org.ketaminecds.engine.knowledge;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.ketaminecds.engine.Code;

/**
 * Terminology answered from value sets held in memory, indexed so that every lookup is a few hash
 * probes: by exact code, by class prefix (ATC), and by the first word of each name.
 */
public final class InMemoryTerminology implements Terminology {

  private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private final Map<String, ValueSetContent> byUrl = new HashMap<>();
  private final Map<Code, Set<String>> byCode = new HashMap<>();
  private final Map<String, Map<String, Set<String>>> prefixesBySystem = new HashMap<>();
  private final Map<String, List<NamePattern>> namesByFirstWord = new HashMap<>();
  private int longestPrefix;

  public InMemoryTerminology(Collection<ValueSetContent> valueSets) {
    for (ValueSetContent vs : valueSets) {
      String url = vs.info().url();
      byUrl.put(url, vs);
      vs.codes().forEach(c -> byCode.computeIfAbsent(c, k -> new HashSet<>()).add(url));
      for (Code prefix : vs.prefixes()) {
        prefixesBySystem
            .computeIfAbsent(prefix.system(), k -> new HashMap<>())
            .computeIfAbsent(prefix.code(), k -> new HashSet<>())
            .add(url);
        longestPrefix = Math.max(longestPrefix, prefix.code().length());
      }
      for (String name : vs.names()) {
        String[] words = words(name);
        if (words.length > 0) {
          namesByFirstWord
              .computeIfAbsent(words[0], k -> new ArrayList<>())
              .add(new NamePattern(words, url));
        }
      }
    }
  }

  @Override
  public Set<String> valueSetsOf(Code code) {
    Set<String> direct = byCode.getOrDefault(code, Set.of());
    Map<String, Set<String>> prefixes = prefixesBySystem.get(code.system());
    if (prefixes == null) {
      return direct;
    }
    Set<String> result = new HashSet<>(direct);
    String value = code.code();
    for (int len = 1; len <= Math.min(longestPrefix, value.length()); len++) {
      Set<String> urls = prefixes.get(value.substring(0, len));
      if (urls != null) {
        result.addAll(urls);
      }
    }
    return result;
  }

  @Override
  public Set<String> valueSetsNamedIn(String text) {
    if (text == null || text.isBlank()) {
      return Set.of();
    }
    String[] words = words(text);
    Set<String> result = new HashSet<>();
    for (int i = 0; i < words.length; i++) {
      List<NamePattern> candidates = namesByFirstWord.get(words[i]);
      if (candidates == null) {
        continue;
      }
      for (NamePattern candidate : candidates) {
        if (candidate.matchesAt(words, i)) {
          result.add(candidate.valueSet());
        }
      }
    }
    return result;
  }

  @Override
  public Optional<ValueSetInfo> lookup(String valueSetUrl) {
    return Optional.ofNullable(byUrl.get(valueSetUrl)).map(ValueSetContent::info);
  }

  /** The full content of a value set, for checks and the rule pages. */
  public Optional<ValueSetContent> content(String valueSetUrl) {
    return Optional.ofNullable(byUrl.get(valueSetUrl));
  }

  /** Lower-case words without accents or punctuation: "St. John's Wort" -> st, john, s, wort. */
  static String[] words(String text) {
    String plain =
        MARKS
            .matcher(Normalizer.normalize(text, Normalizer.Form.NFD))
            .replaceAll("")
            .toLowerCase(Locale.ROOT);
    return Arrays.stream(NON_WORD.split(plain)).filter(w -> !w.isEmpty()).toArray(String[]::new);
  }

  private record NamePattern(String[] words, String valueSet) {
    boolean matchesAt(String[] text, int start) {
      if (start + words.length > text.length) {
        return false;
      }
      for (int j = 0; j < words.length; j++) {
        if (!words[j].equals(text[start + j])) {
          return false;
        }
      }
      return true;
    }
  }
}
