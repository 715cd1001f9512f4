package dev.postee.core.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Postee configs write them: Go's {@code time.ParseDuration} syntax ("300ms", "2h45m",
 * "1.5h") plus days ("2d"), or a bare number meaning seconds.
 */
public final class Durations {
  /** What the error messages promise, so every message describes the same syntax. */
  public static final String EXPECTED = "a duration such as 30s, 10m, 1h, 2d, 300ms, 2h45m or a number of seconds";

  private static final Pattern BARE_NUMBER = Pattern.compile("\\d+(\\.\\d+)?");
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h|d)");
  private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of(
      "ns", BigDecimal.ONE,
      "us", BigDecimal.valueOf(1_000L),
      "µs", BigDecimal.valueOf(1_000L),
      "μs", BigDecimal.valueOf(1_000L),
      "ms", BigDecimal.valueOf(1_000_000L),
      "s", BigDecimal.valueOf(1_000_000_000L),
      "m", BigDecimal.valueOf(60_000_000_000L),
      "h", BigDecimal.valueOf(3_600_000_000_000L),
      "d", BigDecimal.valueOf(86_400_000_000_000L));

  private Durations() {}

  /**
   * Parses {@code text} (surrounding blanks ignored).
   *
   * @throws IllegalArgumentException when the text is not a non-negative duration
   */
  public static Duration parse(String text) {
    String s = text.strip();
    if (BARE_NUMBER.matcher(s).matches()) {
      return fromNanos(new BigDecimal(s).multiply(NANOS_PER_UNIT.get("s")), text);
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(NANOS_PER_UNIT.get(m.group(2))));
      end = m.end();
    }
    if (s.isEmpty() || end != s.length()) {
      throw new IllegalArgumentException("'" + text + "' is not " + EXPECTED);
    }
    return fromNanos(nanos, text);
  }

  private static Duration fromNanos(BigDecimal nanos, String text) {
    try {
      return Duration.ofNanos(nanos.longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration (at most about 292 years)");
    }
  }
}
