package dev.postee.core.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as Postee's {@code max-db-size} writes them: "300MB", "1GB", "1000 MB", or plain bytes.
 * Units are binary (1 KB = 1024 bytes), as in Postee.
 */
public final class ByteSizes {
  public static final String EXPECTED = "a size such as 300MB, 1GB or a number of bytes (empty or 0 = unlimited)";

  private static final Pattern SIZE = Pattern.compile("(\\d+) ?([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);
  private static final Map<String, Integer> SHIFT = Map.of("", 0, "k", 10, "m", 20, "g", 30, "t", 40);

  private ByteSizes() {}

  /**
   * Parses {@code text} into bytes.
   *
   * @throws IllegalArgumentException when the text is not a size
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not " + EXPECTED);
    }
    int shift = SHIFT.get(m.group(2).toLowerCase(Locale.ROOT));
    try {
      long number = Long.parseLong(m.group(1));
      if (Long.numberOfLeadingZeros(number) <= shift) {
        throw new NumberFormatException();
      }
      return number << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a size");
    }
  }
}
