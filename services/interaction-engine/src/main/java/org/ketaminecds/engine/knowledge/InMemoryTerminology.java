package org.ketaminecds.engine.knowledge;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.ketaminecds.engine.Code;

/**
 * Terminology answered from value sets held in memory, indexed so that every lookup is a few hash
 * probes: by exact code, by class prefix (ATC, ICD-10), and by the first word of each name.
 */
public final class InMemoryTerminology implements Terminology {

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  /**
   * In a name, {@value} stands for up to {@link #MAX_GAP} words of any kind: "family history of ...
   * aneurysm" also covers "family history of cerebral aneurysm".
   */
  public static final String GAP = "...";

  static final int MAX_GAP = 3;

  private final Map<String, ValueSetContent> byUrl = new LinkedHashMap<>();
  private final Map<Code, List<ConceptMatch>> byCode = new HashMap<>();
  private final Map<String, Map<String, List<String>>> prefixesBySystem = new HashMap<>();
  private final Map<String, List<NamePattern>> namesByFirstWord = new HashMap<>();
  private int longestPrefix;

  public InMemoryTerminology(Collection<ValueSetContent> valueSets) {
    for (ValueSetContent vs : valueSets) {
      String url = vs.info().url();
      byUrl.put(url, vs);
      for (ValueSetContent.Concept concept : vs.concepts().values()) {
        byCode
            .computeIfAbsent(concept.code(), k -> new ArrayList<>())
            .add(new ConceptMatch(url, concept.names()));
      }
      for (Code prefix : vs.prefixes()) {
        prefixesBySystem
            .computeIfAbsent(prefix.system(), k -> new HashMap<>())
            .computeIfAbsent(prefix.code(), k -> new ArrayList<>())
            .add(url);
        longestPrefix = Math.max(longestPrefix, prefix.code().length());
      }
      for (ValueSetContent.Name name : vs.names()) {
        NamePattern pattern = NamePattern.of(name, url);
        if (pattern.words().length > 0) {
          namesByFirstWord.computeIfAbsent(pattern.words()[0], k -> new ArrayList<>()).add(pattern);
        }
      }
    }
  }

  @Override
  public List<ConceptMatch> matchCode(Code code) {
    List<ConceptMatch> direct = byCode.getOrDefault(code, List.of());
    Map<String, List<String>> prefixes = prefixesBySystem.get(code.system());
    if (prefixes == null) {
      return direct;
    }
    List<ConceptMatch> result = new ArrayList<>(direct);
    String value = code.code();
    for (int len = 1; len <= Math.min(longestPrefix, value.length()); len++) {
      List<String> urls = prefixes.get(value.substring(0, len));
      if (urls == null) {
        continue;
      }
      for (String url : urls) {
        // A listed code already says what it is; the class prefix adds nothing.
        if (result.stream().noneMatch(m -> m.valueSet().equals(url))) {
          result.add(new ConceptMatch(url, List.of()));
        }
      }
    }
    return result;
  }

  /**
   * The value sets named in the text. Where names overlap, the longest wins: in "ocular
   * hypertension" the glaucoma name covers "hypertension", which then does not count for
   * hypertension; an excluded phrase ("pulmonary hypertension") covers the names inside it and
   * stands for nothing itself.
   */
  @Override
  public List<ConceptMatch> matchText(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    Tokens tokens = tokens(text);
    String[] words = tokens.words();
    List<Span> spans = null;
    for (int i = 0; i < words.length; i++) {
      List<NamePattern> candidates = namesByFirstWord.get(words[i]);
      if (candidates == null) {
        continue;
      }
      for (NamePattern candidate : candidates) {
        int end = candidate.endOfMatchAt(tokens, i);
        if (end > 0) {
          if (spans == null) {
            spans = new ArrayList<>(4);
          }
          spans.add(new Span(i, end, candidate));
        }
      }
    }
    if (spans == null) {
      return List.of();
    }
    Map<String, Set<String>> found = new LinkedHashMap<>();
    for (Span span : spans) {
      if (span.name().exclusion() || coveredByLonger(span, spans)) {
        continue;
      }
      found
          .computeIfAbsent(span.name().valueSet(), k -> new LinkedHashSet<>())
          .add(span.name().concept());
    }
    List<ConceptMatch> result = new ArrayList<>(found.size());
    found.forEach((url, concepts) -> result.add(new ConceptMatch(url, List.copyOf(concepts))));
    return result;
  }

  private static boolean coveredByLonger(Span span, List<Span> spans) {
    for (Span other : spans) {
      if (other.start() <= span.start()
          && span.end() <= other.end()
          && other.end() - other.start() > span.end() - span.start()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Optional<ValueSetInfo> lookup(String valueSetUrl) {
    return Optional.ofNullable(byUrl.get(valueSetUrl)).map(ValueSetContent::info);
  }

  /** The full content of a value set, for checks and the rule pages. */
  public Optional<ValueSetContent> content(String valueSetUrl) {
    return Optional.ofNullable(byUrl.get(valueSetUrl));
  }

  /** Every value set, in the order the rule pack first names them. */
  public Collection<ValueSetContent> valueSets() {
    return byUrl.values();
  }

  /**
   * Lower-case words without accents or punctuation: "St. John's Wort" -> st, john, s, wort. Runs
   * for every name of every medication on each call, so plain ASCII text skips Unicode
   * normalisation and no regular expression is used.
   */
  static String[] words(String text) {
    return tokens(text).words();
  }

  /**
   * The text's words, and before each whether a clause ends there: a {@code ; : , . ( ) [ ] ! ?}, a
   * quote, a line break or a dash between spaces ("Family history: none. Stroke 2019" has breaks
   * before "none" and "stroke"). A point or comma between digits ("0.5", "1,000"), a hyphen inside
   * a word ("early-onset") and a {@code % /} are no break. A gap never runs across a break.
   */
  static Tokens tokens(String text) {
    String plain = text;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 127) {
        plain = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
        break;
      }
    }
    List<String> words = new ArrayList<>(8);
    List<Byte> breaks = new ArrayList<>(8);
    int start = -1;
    byte pendingBreak = NO_BREAK;
    for (int i = 0; i <= plain.length(); i++) {
      boolean letter = i < plain.length() && Character.isLetterOrDigit(plain.charAt(i));
      if (letter && start < 0) {
        start = i;
        breaks.add(pendingBreak);
        pendingBreak = NO_BREAK;
      } else if (!letter && start >= 0) {
        words.add(plain.substring(start, i).toLowerCase(Locale.ROOT));
        start = -1;
      }
      if (!letter && i < plain.length() && !words.isEmpty()) {
        pendingBreak = (byte) Math.max(pendingBreak, breakAt(plain, i));
      }
    }
    byte[] breakBefore = new byte[words.size()];
    for (int i = 0; i < breakBefore.length; i++) {
      breakBefore[i] = breaks.get(i);
    }
    return new Tokens(words.toArray(String[]::new), breakBefore);
  }

  static final byte NO_BREAK = 0;

  /**
   * A colon, a comma or a dash between spaces: right after a phrase, what follows may be its value
   * ("FH: stroke"); further on, it starts another clause all the same.
   */
  static final byte LABEL_BREAK = 1;

  /** Any other end of a clause: {@code ; . ( ) [ ] ! ?}, a quote, a line break. */
  static final byte CLAUSE_BREAK = 2;

  private static byte breakAt(String text, int i) {
    char c = text.charAt(i);
    switch (c) {
      case ':' -> {
        return LABEL_BREAK;
      }
      case ';', '(', ')', '[', ']', '{', '}', '!', '?', '"', '\n', '\r', '|' -> {
        return CLAUSE_BREAK;
      }
      case '.', ',' -> {
        // Not inside a number: 0.5 mg, 1,000 units. A comma may set off a qualifier right after
        // a phrase ("Encounter for pregnancy test, result positive"), a full stop may not.
        if (i > 0
            && i + 1 < text.length()
            && Character.isDigit(text.charAt(i - 1))
            && Character.isDigit(text.charAt(i + 1))) {
          return NO_BREAK;
        }
        return c == ',' ? LABEL_BREAK : CLAUSE_BREAK;
      }
      case '-', '\u2013', '\u2014' -> {
        // A dash between spaces ends a clause; a hyphen inside a word does not.
        return (i == 0 || Character.isWhitespace(text.charAt(i - 1)))
                || (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1)))
            ? LABEL_BREAK
            : NO_BREAK;
      }
      default -> {
        return NO_BREAK;
      }
    }
  }

  /** A text's words, and the kind of clause break that comes before each. */
  record Tokens(String[] words, byte[] breakBefore) {}

  /** Where in the text's words a name matched: words {@code start} to {@code end} (exclusive). */
  private record Span(int start, int end, NamePattern name) {}

  /**
   * A name as words; where {@code gapAt} is not negative, up to {@link #MAX_GAP} words of the text
   * may stand between {@code words[gapAt - 1]} and {@code words[gapAt]}.
   */
  private record NamePattern(
      String[] words, int gapAt, String valueSet, String concept, boolean exclusion) {

    static NamePattern of(ValueSetContent.Name name, String valueSet) {
      String text = name.text();
      int gap = text.indexOf(GAP);
      if (gap < 0) {
        return new NamePattern(
            InMemoryTerminology.words(text), -1, valueSet, name.concept(), name.exclusion());
      }
      String[] before = InMemoryTerminology.words(text.substring(0, gap));
      String[] after = InMemoryTerminology.words(text.substring(gap + GAP.length()));
      if (before.length == 0 || after.length == 0) {
        throw new IllegalArgumentException(
            "'" + text + "': a gap (" + GAP + ") needs words before and after it");
      }
      String[] all = new String[before.length + after.length];
      System.arraycopy(before, 0, all, 0, before.length);
      System.arraycopy(after, 0, all, before.length, after.length);
      return new NamePattern(all, before.length, valueSet, name.concept(), name.exclusion());
    }

    /**
     * Where a match starting at {@code start} ends (exclusive), or -1 if none starts there. Words
     * in a gap may not run across a clause break ("Family history of stroke; AAA 4.8 cm": the
     * aneurysm is the patient's), though one may follow the words before the gap ("FH: ruptured
     * aneurysm").
     */
    int endOfMatchAt(Tokens tokens, int start) {
      String[] text = tokens.words();
      if (gapAt < 0) {
        return matches(text, start, 0, words.length) ? start + words.length : -1;
      }
      if (!matches(text, start, 0, gapAt)) {
        return -1;
      }
      for (int skip = 0; skip <= MAX_GAP; skip++) {
        int from = start + gapAt + skip;
        // A colon or dash right after the phrase makes it a label ("FH: ruptured aneurysm");
        // any other break starts another clause.
        if (skip > 0
            && from <= text.length
            && (tokens.breakBefore()[start + gapAt] == CLAUSE_BREAK
                || anyBreak(tokens, start + gapAt + 1, from))) {
          return -1;
        }
        if (matches(text, from, gapAt, words.length)) {
          return from + words.length - gapAt;
        }
      }
      return -1;
    }

    /** Whether a clause break comes before any word from {@code from} to {@code to} (inclusive). */
    private static boolean anyBreak(Tokens tokens, int from, int to) {
      for (int k = from; k <= to && k < tokens.breakBefore().length; k++) {
        if (tokens.breakBefore()[k] != NO_BREAK) {
          return true;
        }
      }
      return false;
    }

    /** Whether the text from {@code at} holds {@code words[from..to)}. */
    private boolean matches(String[] text, int at, int from, int to) {
      if (at + (to - from) > text.length) {
        return false;
      }
      for (int j = from; j < to; j++) {
        if (!words[j].equals(text[at + j - from])) {
          return false;
        }
      }
      return true;
    }
  }
}
