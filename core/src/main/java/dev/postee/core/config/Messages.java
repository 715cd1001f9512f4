package dev.postee.core.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Collectors;

/** Wording shared by the loader's messages. */
final class Messages {
  private static final int MAX_LISTED = 12;

  private Messages() {}

  /** "a, b, c" (at most a dozen, then "and N more"); "none" when empty. */
  static String list(Collection<String> names) {
    if (names.isEmpty()) {
      return "none";
    }
    String listed = names.stream().limit(MAX_LISTED).collect(Collectors.joining(", "));
    return names.size() > MAX_LISTED ? listed + " and " + (names.size() - MAX_LISTED) + " more" : listed;
  }

  /** " (did you mean 'x'?)" for the closest candidate within two edits, else "". */
  static String didYouMean(String word, Collection<String> candidates) {
    String lower = word.toLowerCase(Locale.ROOT);
    return candidates.stream()
        .filter(c -> !c.equals(word))
        .map(c -> new Scored(c, distance(lower, c.toLowerCase(Locale.ROOT))))
        .filter(s -> s.distance() <= Math.min(2, Math.max(0, word.length() / 3)))
        .min(Comparator.comparingInt(Scored::distance))
        .map(s -> " (did you mean '" + s.candidate() + "'?)")
        .orElse("");
  }

  private record Scored(String candidate, int distance) {}

  /** Edit distance counting a swap of two neighbours as one edit ("nmae" is one edit from "name"). */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
