package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * time.* builtins. Instants are nanoseconds since the epoch (exact, beyond 2^53). Layouts are Go's
 * reference-time layouts ("2006-01-02T15:04:05Z07:00") and are parsed and formatted as Go's time
 * package does, including its error texts; zone offsets come from java.time's IANA database.
 */
public final class TimeBuiltins implements BuiltinRegistrar {
  private static final BigInteger NANOS = BigInteger.valueOf(1_000_000_000L);
  private static final BigInteger MIN_NANOS = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);
  private static final long SECONDS_PER_DAY = 86_400;
  private static final String RFC3339 = "2006-01-02T15:04:05Z07:00";
  private static final String RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00";
  private static final String OPERAND_KIND = "either number (ns) or [number (ns), string (tz)]";

  /** The layout constants OPA accepts by name. */
  private static final Map<String, String> NAMED_LAYOUTS = Map.of(
      "ANSIC", "Mon Jan _2 15:04:05 2006",
      "UnixDate", "Mon Jan _2 15:04:05 MST 2006",
      "RubyDate", "Mon Jan 02 15:04:05 -0700 2006",
      "RFC822", "02 Jan 06 15:04 MST",
      "RFC822Z", "02 Jan 06 15:04 -0700",
      "RFC850", "Monday, 02-Jan-06 15:04:05 MST",
      "RFC1123", "Mon, 02 Jan 2006 15:04:05 MST",
      "RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700",
      "RFC3339", RFC3339,
      "RFC3339Nano", RFC3339_NANO);

  private static final String[] LONG_MONTHS = {"January", "February", "March", "April", "May", "June",
      "July", "August", "September", "October", "November", "December"};
  private static final String[] SHORT_MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
      "Sep", "Oct", "Nov", "Dec"};
  private static final String[] LONG_DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
      "Friday", "Saturday"};
  private static final String[] SHORT_DAYS = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

  @Override
  public void register(BuiltinRegistry r) {
    r.function("time.now_ns", (ctx, a) -> NumberValue.of(ctx.nowNanos()));
    r.function("time.parse_ns", (ctx, a) -> {
      String layout = Args.string(a, 0);
      String value = Args.string(a, 1);
      return safeUnixNano(parse(NAMED_LAYOUTS.getOrDefault(layout, layout), value));
    });
    r.function("time.parse_rfc3339_ns", (ctx, a) -> safeUnixNano(parse(RFC3339, Args.string(a, 0))));
    r.function("time.parse_duration_ns", (ctx, a) -> NumberValue.of(parseDuration(Args.string(a, 0))));
    r.functionCheckingOwnOperands("time.format", (ctx, a) -> {
      TimeArg t = timeArg(a[0]);
      String layout = t.layout() == null || t.layout().isEmpty() ? RFC3339_NANO
          : NAMED_LAYOUTS.getOrDefault(t.layout(), t.layout());
      return StringValue.of(format(t.time(), layout));
    });
    r.functionCheckingOwnOperands("time.date", (ctx, a) -> {
      Fields f = timeArg(a[0]).time().fields();
      return ArrayValue.of(NumberValue.of(f.year), NumberValue.of(f.month), NumberValue.of(f.day));
    });
    r.functionCheckingOwnOperands("time.clock", (ctx, a) -> {
      Fields f = timeArg(a[0]).time().fields();
      return ArrayValue.of(NumberValue.of(f.hour), NumberValue.of(f.minute), NumberValue.of(f.second));
    });
    r.functionCheckingOwnOperands("time.weekday", (ctx, a) -> StringValue.of(LONG_DAYS[timeArg(a[0]).time().fields().weekday]));
    r.functionCheckingOwnOperands("time.add_date", (ctx, a) -> {
      GoTime t = timeArg(a[0]).time();
      long years = intOperand(a, 1);
      long months = intOperand(a, 2);
      long days = intOperand(a, 3);
      Fields f = t.fields();
      try {
        return safeUnixNano(date(Math.addExact(f.year, years), Math.addExact(f.month, months),
            Math.addExact(f.day, days), f.hour, f.minute, f.second, t.nanos(), t.zone()));
      } catch (ArithmeticException e) {
        throw BuiltinException.error("time outside of valid range");
      }
    });
    r.functionCheckingOwnOperands("time.diff", (ctx, a) -> diff(timeArg(a[0]).time(), timeArg(a[1]).time()));
  }

  // --- zones ----------------------------------------------------------------------------------

  /** A Go *time.Location: a java.time zone, with a fixed abbreviation for the legacy EST/MST/HST. */
  record Zone(String name, ZoneId id, String fixedAbbreviation) {
    static final Zone UTC = new Zone("UTC", ZoneOffset.UTC, "UTC");

    int offsetAt(long unixSec) {
      if (id instanceof ZoneOffset o) return o.getTotalSeconds();
      return id.getRules().getOffset(instant(unixSec)).getTotalSeconds();
    }

    /** The zone abbreviation Go prints for MST: tzdata uses "+04" / "+0530" where none exists. */
    String abbreviationAt(long unixSec) {
      if (fixedAbbreviation != null) return fixedAbbreviation;
      String z = ZONE_NAME.format(ZonedDateTime.ofInstant(instant(unixSec), id));
      if (z.startsWith("GMT") && z.length() > 3) {
        String hm = z.substring(4).replace(":", "");
        if (hm.endsWith("00")) hm = hm.substring(0, hm.length() - 2);
        return z.charAt(3) + hm;
      }
      return z;
    }

    private static Instant instant(long unixSec) {
      long s = Math.max(Instant.MIN.getEpochSecond(), Math.min(Instant.MAX.getEpochSecond(), unixSec));
      return Instant.ofEpochSecond(s);
    }
  }

  private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("z", Locale.US);
  private static final Set<String> ZONE_IDS = ZoneId.getAvailableZoneIds();
  private static final Map<String, Zone> ZONES = new ConcurrentHashMap<>();

  /** Go's time.LoadLocation, with OPA's special names "" / "UTC" and "Local". */
  private static Zone loadZone(String name) {
    if (name.isEmpty() || name.equals("UTC")) return Zone.UTC;
    if (name.equals("Local")) return new Zone("Local", ZoneId.systemDefault(), null);
    Zone cached = ZONES.get(name);
    if (cached != null) return cached;
    Zone z;
    if (ZONE_IDS.contains(name)) {
      z = new Zone(name, ZoneId.of(name), null);
    } else {
      z = switch (name) {
        case "EST" -> new Zone(name, ZoneOffset.ofHours(-5), "EST");
        case "MST" -> new Zone(name, ZoneOffset.ofHours(-7), "MST");
        case "HST" -> new Zone(name, ZoneOffset.ofHours(-10), "HST");
        default -> {
          if (name.contains("..") || name.startsWith("/") || name.startsWith("\\")) {
            throw BuiltinException.error("time: invalid location name");
          }
          throw BuiltinException.error("unknown time zone " + name);
        }
      };
    }
    if (ZONES.size() < 1024) ZONES.put(name, z);
    return z;
  }

  // --- instants and civil dates ---------------------------------------------------------------

  /** Broken-down local time. Weekday: 0 = Sunday. Year day counts from 1. */
  record Fields(long year, int month, int day, int hour, int minute, int second, int weekday, int yearDay) {}

  /** A Go time.Time: seconds and nanoseconds since the epoch in a location. */
  record GoTime(long seconds, int nanos, Zone zone) {
    int offset() { return zone.offsetAt(seconds); }

    Fields fields() {
      long local = seconds + offset();
      long days = Math.floorDiv(local, SECONDS_PER_DAY);
      int secOfDay = (int) Math.floorMod(local, SECONDS_PER_DAY);
      long[] ymd = civilFromDays(days);
      int weekday = (int) Math.floorMod(days + 4, 7); // 1970-01-01 was a Thursday
      int yearDay = (int) (days - daysFromCivil(ymd[0], 1, 1)) + 1;
      return new Fields(ymd[0], (int) ymd[1], (int) ymd[2], secOfDay / 3600, secOfDay / 60 % 60, secOfDay % 60,
          weekday, yearDay);
    }
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
  static long daysFromCivil(long y, long m, long d) {
    y -= m <= 2 ? 1 : 0;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }

  static long[] civilFromDays(long z) {
    z += 719468;
    long era = Math.floorDiv(z, 146097);
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    return new long[] {y + (m <= 2 ? 1 : 0), m, d};
  }

  static boolean isLeap(long year) {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  static int daysIn(int month, long year) {
    return switch (month) {
      case 2 -> isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Largest |year| handled; anything beyond is far outside the int64 nanosecond range anyway. */
  private static final long YEAR_LIMIT = 1_000_000_000L;

  /**
   * Go's time.Date: fields may overflow (month 14, day 0, ...) and are normalised; a local time in
   * a zone transition is resolved the way Go resolves it.
   */
  static GoTime date(long year, long month, long day, long hour, long minute, long second, long nanos, Zone zone) {
    long m = month - 1;
    year += Math.floorDiv(m, 12);
    m = Math.floorMod(m, 12);
    second += Math.floorDiv(nanos, 1_000_000_000L);
    nanos = Math.floorMod(nanos, 1_000_000_000L);
    minute += Math.floorDiv(second, 60);
    second = Math.floorMod(second, 60);
    hour += Math.floorDiv(minute, 60);
    minute = Math.floorMod(minute, 60);
    day += Math.floorDiv(hour, 24);
    hour = Math.floorMod(hour, 24);
    if (Math.abs(year) > YEAR_LIMIT || Math.abs(day) > YEAR_LIMIT * 366) {
      throw BuiltinException.error("time outside of valid range");
    }
    long days = daysFromCivil(year, m + 1, 1) + day - 1;
    long local = days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
    // Go looks up the offset at the local time taken as UTC, then re-checks at the adjusted time.
    int guess = zone.offsetAt(local);
    long unix = local;
    if (guess != 0) unix = local - zone.offsetAt(local - guess);
    return new GoTime(unix, (int) nanos, zone);
  }

  private static Value safeUnixNano(GoTime t) {
    BigInteger ns = BigInteger.valueOf(t.seconds()).multiply(NANOS).add(BigInteger.valueOf(t.nanos()));
    if (ns.compareTo(MIN_NANOS) < 0 || ns.compareTo(MAX_NANOS) > 0) {
      throw BuiltinException.error("time outside of valid range");
    }
    return NumberValue.of(ns.longValueExact());
  }

  /** A time operand: ns, [ns, tz] or [ns, tz, layout]. */
  private record TimeArg(GoTime time, String layout) {}

  private static TimeArg timeArg(Value v) {
    Value ns;
    Zone zone = Zone.UTC;
    String layout = null;
    switch (v) {
      case NumberValue n -> ns = n;
      case ArrayValue a -> {
        if (a.isEmpty()) throw BuiltinException.typeError("operand 1 must be " + OPERAND_KIND + " but got array");
        ns = a.get(0);
        if (!(ns instanceof NumberValue)) throw BuiltinException.operand(0, "number", ns);
        if (a.size() > 1) {
          if (!(a.get(1) instanceof StringValue tz)) throw BuiltinException.operand(0, "string", a.get(1));
          zone = loadZone(tz.value());
        }
        if (a.size() > 2) {
          if (!(a.get(2) instanceof StringValue l)) throw BuiltinException.operand(0, "string", a.get(2));
          layout = l.value();
        }
      }
      default -> throw BuiltinException.typeError("operand 1 must be " + OPERAND_KIND + " but got " + v.typeName());
    }
    BigDecimal d = ((NumberValue) ns).toBigDecimal();
    long total;
    try {
      total = d.longValueExact();
    } catch (ArithmeticException e) {
      throw BuiltinException.error("timestamp too big");
    }
    return new TimeArg(new GoTime(Math.floorDiv(total, 1_000_000_000L), (int) Math.floorMod(total, 1_000_000_000L),
        zone), layout);
  }

  /** Go's int operand: the number's text must be an int64 literal. */
  private static long intOperand(Value[] args, int i) {
    NumberValue n = Args.number(args, i);
    try {
      return Long.parseLong(n.toString());
    } catch (NumberFormatException e) {
      throw BuiltinException.typeError("operand " + (i + 1) + " must be integer number but got floating-point number");
    }
  }

  /** OPA's time.diff (after icza/gox): calendar difference in t1's location, earlier first. */
  private static Value diff(GoTime t1, GoTime t2) {
    if (!t1.zone().name().equals(t2.zone().name())) t2 = new GoTime(t2.seconds(), t2.nanos(), t1.zone());
    if (t1.seconds() > t2.seconds() || (t1.seconds() == t2.seconds() && t1.nanos() > t2.nanos())) {
      GoTime x = t1;
      t1 = t2;
      t2 = x;
    }
    Fields a = t1.fields();
    Fields b = t2.fields();
    long year = b.year - a.year;
    long month = b.month - a.month;
    long day = b.day - a.day;
    long hour = b.hour - a.hour;
    long min = b.minute - a.minute;
    long sec = b.second - a.second;
    if (sec < 0) {
      sec += 60;
      min--;
    }
    if (min < 0) {
      min += 60;
      hour--;
    }
    if (hour < 0) {
      hour += 24;
      day--;
    }
    if (day < 0) {
      day += daysIn(a.month, a.year);
      month--;
    }
    if (month < 0) {
      month += 12;
      year--;
    }
    return ArrayValue.of(NumberValue.of(year), NumberValue.of(month), NumberValue.of(day), NumberValue.of(hour),
        NumberValue.of(min), NumberValue.of(sec));
  }

  // --- Go layouts -----------------------------------------------------------------------------

  private static final int LONG_MONTH = 1;
  private static final int MONTH = 2;
  private static final int NUM_MONTH = 3;
  private static final int ZERO_MONTH = 4;
  private static final int LONG_WEEKDAY = 5;
  private static final int WEEKDAY = 6;
  private static final int DAY = 7;
  private static final int UNDER_DAY = 8;
  private static final int ZERO_DAY = 9;
  private static final int UNDER_YEAR_DAY = 10;
  private static final int ZERO_YEAR_DAY = 11;
  private static final int HOUR = 12;
  private static final int HOUR12 = 13;
  private static final int ZERO_HOUR12 = 14;
  private static final int MINUTE = 15;
  private static final int ZERO_MINUTE = 16;
  private static final int SECOND = 17;
  private static final int ZERO_SECOND = 18;
  private static final int LONG_YEAR = 19;
  private static final int YEAR = 20;
  private static final int PM_UPPER = 21;
  private static final int PM_LOWER = 22;
  private static final int TZ = 23;
  private static final int ISO8601_TZ = 24;
  private static final int ISO8601_SECONDS_TZ = 25;
  private static final int ISO8601_SHORT_TZ = 26;
  private static final int ISO8601_COLON_TZ = 27;
  private static final int ISO8601_COLON_SECONDS_TZ = 28;
  private static final int NUM_TZ = 29;
  private static final int NUM_SECONDS_TZ = 30;
  private static final int NUM_SHORT_TZ = 31;
  private static final int NUM_COLON_TZ = 32;
  private static final int NUM_COLON_SECONDS_TZ = 33;
  private static final int FRAC_SECOND0 = 34;
  private static final int FRAC_SECOND9 = 35;
  private static final int[] STD_0X = {ZERO_MONTH, ZERO_DAY, ZERO_HOUR12, ZERO_MINUTE, ZERO_SECOND, YEAR};

  /** One step of Go's nextStdChunk: literal prefix, a layout element (0 = none) and the rest. */
  private record Chunk(String prefix, int std, int fracDigits, char fracSeparator, String suffix) {
    String stdText(String layout) { return layout.substring(prefix.length(), layout.length() - suffix.length()); }
  }

  private static boolean startsWithLowerCase(String s) {
    return !s.isEmpty() && s.charAt(0) >= 'a' && s.charAt(0) <= 'z';
  }

  private static boolean isDigit(String s, int i) {
    return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
  }

  private static Chunk chunk(String layout, int i, int std, int end) {
    return new Chunk(layout.substring(0, i), std, 0, '.', layout.substring(end));
  }

  private static Chunk nextStdChunk(String layout) {
    int n = layout.length();
    for (int i = 0; i < n; i++) {
      char c = layout.charAt(i);
      switch (c) {
        case 'J' -> {
          if (layout.startsWith("Jan", i)) {
            if (layout.startsWith("January", i)) return chunk(layout, i, LONG_MONTH, i + 7);
            if (!startsWithLowerCase(layout.substring(i + 3))) return chunk(layout, i, MONTH, i + 3);
          }
        }
        case 'M' -> {
          if (layout.startsWith("Mon", i)) {
            if (layout.startsWith("Monday", i)) return chunk(layout, i, LONG_WEEKDAY, i + 6);
            if (!startsWithLowerCase(layout.substring(i + 3))) return chunk(layout, i, WEEKDAY, i + 3);
          }
          if (layout.startsWith("MST", i)) return chunk(layout, i, TZ, i + 3);
        }
        case '0' -> {
          if (i + 1 < n && layout.charAt(i + 1) >= '1' && layout.charAt(i + 1) <= '6') {
            return chunk(layout, i, STD_0X[layout.charAt(i + 1) - '1'], i + 2);
          }
          if (layout.startsWith("002", i)) return chunk(layout, i, ZERO_YEAR_DAY, i + 3);
        }
        case '1' -> {
          if (i + 1 < n && layout.charAt(i + 1) == '5') return chunk(layout, i, HOUR, i + 2);
          return chunk(layout, i, NUM_MONTH, i + 1);
        }
        case '2' -> {
          if (layout.startsWith("2006", i)) return chunk(layout, i, LONG_YEAR, i + 4);
          return chunk(layout, i, DAY, i + 1);
        }
        case '_' -> {
          if (i + 1 < n && layout.charAt(i + 1) == '2') {
            // "_2006" is a literal underscore followed by the long year.
            if (layout.startsWith("2006", i + 1)) return chunk(layout, i + 1, LONG_YEAR, i + 5);
            return chunk(layout, i, UNDER_DAY, i + 2);
          }
          if (layout.startsWith("__2", i)) return chunk(layout, i, UNDER_YEAR_DAY, i + 3);
        }
        case '3' -> { return chunk(layout, i, HOUR12, i + 1); }
        case '4' -> { return chunk(layout, i, MINUTE, i + 1); }
        case '5' -> { return chunk(layout, i, SECOND, i + 1); }
        case 'P' -> {
          if (i + 1 < n && layout.charAt(i + 1) == 'M') return chunk(layout, i, PM_UPPER, i + 2);
        }
        case 'p' -> {
          if (i + 1 < n && layout.charAt(i + 1) == 'm') return chunk(layout, i, PM_LOWER, i + 2);
        }
        case '-' -> {
          if (layout.startsWith("-070000", i)) return chunk(layout, i, NUM_SECONDS_TZ, i + 7);
          if (layout.startsWith("-07:00:00", i)) return chunk(layout, i, NUM_COLON_SECONDS_TZ, i + 9);
          if (layout.startsWith("-0700", i)) return chunk(layout, i, NUM_TZ, i + 5);
          if (layout.startsWith("-07:00", i)) return chunk(layout, i, NUM_COLON_TZ, i + 6);
          if (layout.startsWith("-07", i)) return chunk(layout, i, NUM_SHORT_TZ, i + 3);
        }
        case 'Z' -> {
          if (layout.startsWith("Z070000", i)) return chunk(layout, i, ISO8601_SECONDS_TZ, i + 7);
          if (layout.startsWith("Z07:00:00", i)) return chunk(layout, i, ISO8601_COLON_SECONDS_TZ, i + 9);
          if (layout.startsWith("Z0700", i)) return chunk(layout, i, ISO8601_TZ, i + 5);
          if (layout.startsWith("Z07:00", i)) return chunk(layout, i, ISO8601_COLON_TZ, i + 6);
          if (layout.startsWith("Z07", i)) return chunk(layout, i, ISO8601_SHORT_TZ, i + 3);
        }
        case '.', ',' -> {
          if (i + 1 < n && (layout.charAt(i + 1) == '0' || layout.charAt(i + 1) == '9')) {
            char ch = layout.charAt(i + 1);
            int j = i + 1;
            while (j < n && layout.charAt(j) == ch) j++;
            // Only a fractional second if the run of digits ends here.
            if (!isDigit(layout, j)) {
              return new Chunk(layout.substring(0, i), ch == '0' ? FRAC_SECOND0 : FRAC_SECOND9, j - (i + 1), c,
                  layout.substring(j));
            }
          }
        }
        default -> { }
      }
    }
    return new Chunk(layout, 0, 0, '.', "");
  }

  private static void appendInt(StringBuilder sb, long x, int width) {
    if (x < 0) {
      sb.append('-');
      x = -x;
    }
    String digits = Long.toString(x);
    for (int i = digits.length(); i < width; i++) sb.append('0');
    sb.append(digits);
  }

  /** Go's Time.Format. */
  static String format(GoTime t, String layout) {
    int offset = t.offset();
    Fields f = null;
    StringBuilder b = new StringBuilder(layout.length() + 10);
    while (!layout.isEmpty()) {
      Chunk c = nextStdChunk(layout);
      b.append(c.prefix());
      if (c.std() == 0) break;
      layout = c.suffix();
      if (f == null) f = t.fields();
      int std = c.std();
      switch (std) {
        case YEAR -> appendInt(b, Math.abs(f.year) % 100, 2);
        case LONG_YEAR -> appendInt(b, f.year, 4);
        case MONTH -> b.append(SHORT_MONTHS[f.month - 1]);
        case LONG_MONTH -> b.append(LONG_MONTHS[f.month - 1]);
        case NUM_MONTH -> appendInt(b, f.month, 0);
        case ZERO_MONTH -> appendInt(b, f.month, 2);
        case WEEKDAY -> b.append(SHORT_DAYS[f.weekday]);
        case LONG_WEEKDAY -> b.append(LONG_DAYS[f.weekday]);
        case DAY -> appendInt(b, f.day, 0);
        case UNDER_DAY -> {
          if (f.day < 10) b.append(' ');
          appendInt(b, f.day, 0);
        }
        case ZERO_DAY -> appendInt(b, f.day, 2);
        case UNDER_YEAR_DAY -> {
          if (f.yearDay < 100) {
            b.append(' ');
            if (f.yearDay < 10) b.append(' ');
          }
          appendInt(b, f.yearDay, 0);
        }
        case ZERO_YEAR_DAY -> appendInt(b, f.yearDay, 3);
        case HOUR -> appendInt(b, f.hour, 2);
        case HOUR12 -> appendInt(b, f.hour % 12 == 0 ? 12 : f.hour % 12, 0);
        case ZERO_HOUR12 -> appendInt(b, f.hour % 12 == 0 ? 12 : f.hour % 12, 2);
        case MINUTE -> appendInt(b, f.minute, 0);
        case ZERO_MINUTE -> appendInt(b, f.minute, 2);
        case SECOND -> appendInt(b, f.second, 0);
        case ZERO_SECOND -> appendInt(b, f.second, 2);
        case PM_UPPER -> b.append(f.hour >= 12 ? "PM" : "AM");
        case PM_LOWER -> b.append(f.hour >= 12 ? "pm" : "am");
        case ISO8601_TZ, ISO8601_COLON_TZ, ISO8601_SECONDS_TZ, ISO8601_SHORT_TZ, ISO8601_COLON_SECONDS_TZ,
            NUM_TZ, NUM_COLON_TZ, NUM_SECONDS_TZ, NUM_SHORT_TZ, NUM_COLON_SECONDS_TZ -> {
          boolean iso = std == ISO8601_TZ || std == ISO8601_COLON_TZ || std == ISO8601_SECONDS_TZ
              || std == ISO8601_SHORT_TZ || std == ISO8601_COLON_SECONDS_TZ;
          if (offset == 0 && iso) {
            b.append('Z');
            break;
          }
          int zone = offset / 60;
          int absOffset = offset;
          if (zone < 0) {
            b.append('-');
            zone = -zone;
            absOffset = -absOffset;
          } else {
            b.append('+');
          }
          appendInt(b, zone / 60, 2);
          if (std == ISO8601_COLON_TZ || std == NUM_COLON_TZ || std == ISO8601_COLON_SECONDS_TZ
              || std == NUM_COLON_SECONDS_TZ) {
            b.append(':');
          }
          if (std != NUM_SHORT_TZ && std != ISO8601_SHORT_TZ) appendInt(b, zone % 60, 2);
          if (std == ISO8601_SECONDS_TZ || std == NUM_SECONDS_TZ || std == NUM_COLON_SECONDS_TZ
              || std == ISO8601_COLON_SECONDS_TZ) {
            if (std == NUM_COLON_SECONDS_TZ || std == ISO8601_COLON_SECONDS_TZ) b.append(':');
            appendInt(b, absOffset % 60, 2);
          }
        }
        case TZ -> {
          String name = t.zone().abbreviationAt(t.seconds());
          if (!name.isEmpty()) {
            b.append(name);
            break;
          }
          int zone = offset / 60;
          if (zone < 0) {
            b.append('-');
            zone = -zone;
          } else {
            b.append('+');
          }
          appendInt(b, zone / 60, 2);
          appendInt(b, zone % 60, 2);
        }
        case FRAC_SECOND0, FRAC_SECOND9 -> appendNano(b, t.nanos(), std, c.fracDigits(), c.fracSeparator());
        default -> throw new IllegalStateException("layout element " + std);
      }
    }
    return b.toString();
  }

  private static void appendNano(StringBuilder b, int nanos, int std, int digits, char separator) {
    boolean trim = std == FRAC_SECOND9;
    if (trim && (digits == 0 || nanos == 0)) return;
    int start = b.length();
    b.append(separator);
    appendInt(b, nanos, 9);
    if (digits < 9) b.setLength(b.length() - 9 + digits);
    if (trim) {
      while (b.length() > start && b.charAt(b.length() - 1) == '0') b.setLength(b.length() - 1);
      if (b.length() > start && b.charAt(b.length() - 1) == separator) b.setLength(b.length() - 1);
    }
  }

  // --- parsing --------------------------------------------------------------------------------

  /** Go's time package quoting: non-ASCII and control bytes as \xNN, '"' and '\' escaped. */
  static String goTimeQuote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c >= 0x80 || c < ' ') {
        sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
      } else {
        if (c == '"' || c == '\\') sb.append('\\');
        sb.append((char) c);
      }
    }
    return sb.append('"').toString();
  }

  private static BuiltinException parseError(String layout, String value, String layoutElem, String valueElem,
      String message) {
    if (message.isEmpty()) {
      return BuiltinException.error("parsing time " + goTimeQuote(value) + " as " + goTimeQuote(layout)
          + ": cannot parse " + goTimeQuote(valueElem) + " as " + goTimeQuote(layoutElem));
    }
    return BuiltinException.error("parsing time " + goTimeQuote(value) + message);
  }

  /** Marker for Go's errBad: the element could not be parsed. */
  private static final class Bad extends Exception {
    private static final Bad INSTANCE = new Bad();

    private Bad() { super(null, null, false, false); }
  }

  /** A cursor over the value being parsed. */
  private static final class Cursor {
    String rest;

    Cursor(String rest) { this.rest = rest; }

    int num(boolean fixed) throws Bad {
      if (!isDigit(rest, 0)) throw Bad.INSTANCE;
      if (!isDigit(rest, 1)) {
        if (fixed) throw Bad.INSTANCE;
        int v = rest.charAt(0) - '0';
        rest = rest.substring(1);
        return v;
      }
      int v = (rest.charAt(0) - '0') * 10 + rest.charAt(1) - '0';
      rest = rest.substring(2);
      return v;
    }

    int num3(boolean fixed) throws Bad {
      int n = 0;
      int i = 0;
      for (; i < 3 && isDigit(rest, i); i++) n = n * 10 + rest.charAt(i) - '0';
      if (i == 0 || (fixed && i != 3)) throw Bad.INSTANCE;
      rest = rest.substring(i);
      return n;
    }

    int lookup(String[] table) throws Bad {
      for (int i = 0; i < table.length; i++) {
        String v = table[i];
        if (rest.length() >= v.length() && rest.substring(0, v.length()).equalsIgnoreCase(v)
            && isAscii(rest.substring(0, v.length()))) {
          rest = rest.substring(v.length());
          return i;
        }
      }
      throw Bad.INSTANCE;
    }

    String take(int n) throws Bad {
      if (rest.length() < n) throw Bad.INSTANCE;
      String p = rest.substring(0, n);
      rest = rest.substring(n);
      return p;
    }
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) return false;
    }
    return true;
  }

  /**
   * Go's skip: matches the literal prefix (a space matches any run of spaces). Returns the rest of
   * the value, or null on a mismatch; {@code failedAt[0]} then holds the value where it stopped.
   */
  private static String skip(String value, String prefix, String[] failedAt) {
    while (!prefix.isEmpty()) {
      if (prefix.charAt(0) == ' ') {
        if (!value.isEmpty() && value.charAt(0) != ' ') {
          failedAt[0] = value;
          return null;
        }
        prefix = stripLeadingSpaces(prefix);
        value = stripLeadingSpaces(value);
        continue;
      }
      if (value.isEmpty() || value.charAt(0) != prefix.charAt(0)) {
        failedAt[0] = value;
        return null;
      }
      prefix = prefix.substring(1);
      value = value.substring(1);
    }
    return value;
  }

  private static String stripLeadingSpaces(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == ' ') i++;
    return s.substring(i);
  }

  /** Go's atoi: optional sign, digits only. */
  private static int atoi(String s) throws Bad {
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.isEmpty()) return 0;
    long x = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') throw Bad.INSTANCE;
      x = x * 10 + (c - '0');
      if (x > Integer.MAX_VALUE) throw Bad.INSTANCE;
    }
    return (int) (neg ? -x : x);
  }

  private static boolean commaOrPeriod(char c) { return c == '.' || c == ','; }

  /** Go's parseNanoseconds: value starts with the separator; nbytes includes it. Negative = out of range. */
  private static int parseNanoseconds(String value, int nbytes) throws Bad {
    if (!commaOrPeriod(value.charAt(0))) throw Bad.INSTANCE;
    if (nbytes > 10) nbytes = 10;
    int ns = atoi(value.substring(1, nbytes));
    for (int i = 0; i < 10 - nbytes; i++) ns *= 10;
    return ns;
  }

  /** Go's parseTimeZone: the length of a zone abbreviation at the start of value, or -1. */
  private static int parseTimeZone(String value) {
    if (value.length() < 3) return -1;
    if (value.startsWith("ChST") || value.startsWith("MeST")) return 4;
    if (value.startsWith("GMT")) {
      String rest = value.substring(3);
      return rest.isEmpty() ? 3 : 3 + parseSignedOffset(rest);
    }
    if (value.charAt(0) == '+' || value.charAt(0) == '-') {
      int n = parseSignedOffset(value);
      return n > 0 ? n : -1;
    }
    int upper = 0;
    while (upper < 6 && upper < value.length() && value.charAt(upper) >= 'A' && value.charAt(upper) <= 'Z') upper++;
    return switch (upper) {
      case 5 -> value.charAt(4) == 'T' ? 5 : -1;
      case 4 -> value.charAt(3) == 'T' || value.startsWith("WITA") ? 4 : -1;
      case 3 -> 3;
      default -> -1;
    };
  }

  private static int parseSignedOffset(String value) {
    char sign = value.charAt(0);
    if (sign != '-' && sign != '+') return 0;
    int i = 1;
    long x = 0;
    while (i < value.length() && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
      x = x * 10 + value.charAt(i) - '0';
      if (x > 1L << 40) return 0;
      i++;
    }
    if (i == 1 || x > 12) return 0;
    return i;
  }

  /** Go's time.Parse with UTC as the default location. */
  static GoTime parse(String layout, String value) {
    String originalLayout = layout;
    String originalValue = value;
    boolean amSet = false;
    boolean pmSet = false;
    long year = 0;
    int month = -1;
    int day = -1;
    int yday = -1;
    int hour = 0;
    int min = 0;
    int sec = 0;
    int nsec = 0;
    boolean utc = false;
    int zoneOffset = -1;
    boolean zoneOffsetSet = false;
    String zoneName = "";
    while (true) {
      Chunk c = nextStdChunk(layout);
      String stdText = c.stdText(layout);
      String[] failedAt = new String[1];
      value = skip(value, c.prefix(), failedAt);
      if (value == null) throw parseError(originalLayout, originalValue, c.prefix(), failedAt[0], "");
      if (c.std() == 0) {
        if (!value.isEmpty()) {
          throw parseError(originalLayout, originalValue, "", value, ": extra text: " + goTimeQuote(value));
        }
        break;
      }
      layout = c.suffix();
      String hold = value;
      String rangeError = null;
      Cursor v = new Cursor(value);
      try {
        switch (c.std()) {
          case YEAR -> {
            year = atoi(v.take(2));
            year += year >= 69 ? 1900 : 2000;
          }
          case LONG_YEAR -> {
            if (v.rest.length() < 4 || !isDigit(v.rest, 0)) throw Bad.INSTANCE;
            year = atoi(v.take(4));
          }
          case MONTH -> month = v.lookup(SHORT_MONTHS) + 1;
          case LONG_MONTH -> month = v.lookup(LONG_MONTHS) + 1;
          case NUM_MONTH, ZERO_MONTH -> {
            month = v.num(c.std() == ZERO_MONTH);
            if (month <= 0 || month > 12) rangeError = "month";
          }
          case WEEKDAY -> v.lookup(SHORT_DAYS);
          case LONG_WEEKDAY -> v.lookup(LONG_DAYS);
          case DAY, UNDER_DAY, ZERO_DAY -> {
            if (c.std() == UNDER_DAY && v.rest.startsWith(" ")) v.rest = v.rest.substring(1);
            day = v.num(c.std() == ZERO_DAY);
          }
          case UNDER_YEAR_DAY, ZERO_YEAR_DAY -> {
            for (int i = 0; i < 2; i++) {
              if (c.std() == UNDER_YEAR_DAY && v.rest.startsWith(" ")) v.rest = v.rest.substring(1);
            }
            yday = v.num3(c.std() == ZERO_YEAR_DAY);
          }
          case HOUR -> {
            hour = v.num(false);
            if (hour >= 24) rangeError = "hour";
          }
          case HOUR12, ZERO_HOUR12 -> {
            hour = v.num(c.std() == ZERO_HOUR12);
            if (hour > 12) rangeError = "hour";
          }
          case MINUTE, ZERO_MINUTE -> {
            min = v.num(c.std() == ZERO_MINUTE);
            if (min >= 60) rangeError = "minute";
          }
          case SECOND, ZERO_SECOND -> {
            sec = v.num(c.std() == ZERO_SECOND);
            if (sec >= 60) {
              rangeError = "second";
              break;
            }
            // A fractional second in the value but not in the layout is accepted.
            if (v.rest.length() >= 2 && commaOrPeriod(v.rest.charAt(0)) && isDigit(v.rest, 1)) {
              int next = nextStdChunk(layout).std();
              if (next == FRAC_SECOND0 || next == FRAC_SECOND9) break;
              int n = 2;
              while (n < v.rest.length() && isDigit(v.rest, n)) n++;
              nsec = parseNanoseconds(v.rest, n);
              if (nsec < 0) rangeError = "fractional second";
              v.rest = v.rest.substring(n);
            }
          }
          case PM_UPPER, PM_LOWER -> {
            String p = v.take(2);
            String pm = c.std() == PM_UPPER ? "PM" : "pm";
            String am = c.std() == PM_UPPER ? "AM" : "am";
            if (p.equals(pm)) pmSet = true;
            else if (p.equals(am)) amSet = true;
            else throw Bad.INSTANCE;
          }
          case ISO8601_TZ, ISO8601_SHORT_TZ, ISO8601_COLON_TZ, ISO8601_SECONDS_TZ, ISO8601_COLON_SECONDS_TZ,
              NUM_TZ, NUM_SHORT_TZ, NUM_COLON_TZ, NUM_SECONDS_TZ, NUM_COLON_SECONDS_TZ -> {
            int std = c.std();
            boolean iso = std == ISO8601_TZ || std == ISO8601_SHORT_TZ || std == ISO8601_COLON_TZ
                || std == ISO8601_SECONDS_TZ || std == ISO8601_COLON_SECONDS_TZ;
            if (iso && v.rest.startsWith("Z")) {
              v.rest = v.rest.substring(1);
              utc = true;
              break;
            }
            String r = v.rest;
            String sign;
            String hh;
            String mm;
            String ss = "00";
            if (std == ISO8601_COLON_TZ || std == NUM_COLON_TZ) {
              if (r.length() < 6 || r.charAt(3) != ':') throw Bad.INSTANCE;
              sign = r.substring(0, 1);
              hh = r.substring(1, 3);
              mm = r.substring(4, 6);
              v.rest = r.substring(6);
            } else if (std == NUM_SHORT_TZ || std == ISO8601_SHORT_TZ) {
              if (r.length() < 3) throw Bad.INSTANCE;
              sign = r.substring(0, 1);
              hh = r.substring(1, 3);
              mm = "00";
              v.rest = r.substring(3);
            } else if (std == ISO8601_COLON_SECONDS_TZ || std == NUM_COLON_SECONDS_TZ) {
              if (r.length() < 9 || r.charAt(3) != ':' || r.charAt(6) != ':') throw Bad.INSTANCE;
              sign = r.substring(0, 1);
              hh = r.substring(1, 3);
              mm = r.substring(4, 6);
              ss = r.substring(7, 9);
              v.rest = r.substring(9);
            } else if (std == ISO8601_SECONDS_TZ || std == NUM_SECONDS_TZ) {
              if (r.length() < 7) throw Bad.INSTANCE;
              sign = r.substring(0, 1);
              hh = r.substring(1, 3);
              mm = r.substring(3, 5);
              ss = r.substring(5, 7);
              v.rest = r.substring(7);
            } else {
              if (r.length() < 5) throw Bad.INSTANCE;
              sign = r.substring(0, 1);
              hh = r.substring(1, 3);
              mm = r.substring(3, 5);
              v.rest = r.substring(5);
            }
            int h = new Cursor(hh).num(true);
            int m = new Cursor(mm).num(true);
            int s = new Cursor(ss).num(true);
            // Go compares with > so that offsets of 24 hours or 60 minutes are accepted.
            if (h > 24) rangeError = "time zone offset hour";
            if (m > 60) rangeError = "time zone offset minute";
            if (s > 60) rangeError = "time zone offset second";
            zoneOffset = (h * 60 + m) * 60 + s;
            zoneOffsetSet = true;
            switch (sign.charAt(0)) {
              case '+' -> { }
              case '-' -> zoneOffset = -zoneOffset;
              default -> throw Bad.INSTANCE;
            }
          }
          case TZ -> {
            if (v.rest.startsWith("UTC")) {
              utc = true;
              v.rest = v.rest.substring(3);
              break;
            }
            int n = parseTimeZone(v.rest);
            if (n < 0) throw Bad.INSTANCE;
            zoneName = v.rest.substring(0, n);
            v.rest = v.rest.substring(n);
          }
          case FRAC_SECOND0 -> {
            int ndigit = 1 + c.fracDigits();
            if (v.rest.length() < ndigit) throw Bad.INSTANCE;
            nsec = parseNanoseconds(v.rest, ndigit);
            if (nsec < 0) rangeError = "fractional second";
            v.rest = v.rest.substring(ndigit);
          }
          case FRAC_SECOND9 -> {
            String r = v.rest;
            if (r.length() < 2 || !commaOrPeriod(r.charAt(0)) || !isDigit(r, 1)) break;
            int i = 0;
            while (i + 1 < r.length() && isDigit(r, i + 1)) i++;
            nsec = parseNanoseconds(r, 1 + i);
            if (nsec < 0) rangeError = "fractional second";
            v.rest = r.substring(1 + i);
          }
          default -> throw new IllegalStateException("layout element " + c.std());
        }
      } catch (Bad e) {
        if (rangeError == null) throw parseError(originalLayout, originalValue, stdText, hold, "");
      }
      value = v.rest;
      if (rangeError != null) {
        throw parseError(originalLayout, originalValue, stdText, value, ": " + rangeError + " out of range");
      }
    }
    if (pmSet && hour < 12) {
      hour += 12;
    } else if (amSet && hour == 12) {
      hour = 0;
    }
    if (yday >= 0) {
      int d = 0;
      int m = 0;
      if (isLeap(year)) {
        if (yday == 31 + 29) {
          m = 2;
          d = 29;
        } else if (yday > 31 + 29) {
          yday--;
        }
      }
      if (yday < 1 || yday > 365) {
        throw parseError(originalLayout, originalValue, "", value, ": day-of-year out of range");
      }
      if (m == 0) {
        m = (yday - 1) / 31 + 1;
        if (daysBefore(m + 1) < yday) m++;
        d = yday - daysBefore(m);
      }
      if (month >= 0 && month != m) {
        throw parseError(originalLayout, originalValue, "", value, ": day-of-year does not match month");
      }
      month = m;
      if (day >= 0 && day != d) {
        throw parseError(originalLayout, originalValue, "", value, ": day-of-year does not match day");
      }
      day = d;
    } else {
      if (month < 0) month = 1;
      if (day < 0) day = 1;
    }
    if (day < 1 || day > daysIn(month, year)) {
      throw parseError(originalLayout, originalValue, "", value, ": day out of range");
    }
    GoTime t = date(year, month, day, hour, min, sec, nsec, Zone.UTC);
    if (utc) return t;
    if (zoneOffsetSet) return new GoTime(t.seconds() - zoneOffset, t.nanos(), Zone.UTC);
    if (!zoneName.isEmpty()) {
      // Go uses the local zone's offset when the abbreviation is one of the local zone's names,
      // otherwise a made-up zone whose offset is 0 (or the hours of "GMT+h").
      Zone local = loadZone("Local");
      long guess = t.seconds() - local.offsetAt(t.seconds());
      if (local.abbreviationAt(guess).equals(zoneName)) {
        return new GoTime(t.seconds() - local.offsetAt(guess), t.nanos(), Zone.UTC);
      }
      int offset = 0;
      if (zoneName.length() > 3 && zoneName.startsWith("GMT")) {
        try {
          offset = atoi(zoneName.substring(3)) * 3600;
        } catch (Bad e) {
          offset = 0;
        }
      }
      return new GoTime(t.seconds() - offset, t.nanos(), Zone.UTC);
    }
    return t;
  }

  /** Days in the months before the given one in a non-leap year (Go's daysBefore). */
  private static int daysBefore(int month) {
    int[] cumulative = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
    return cumulative[month - 1];
  }

  // --- durations ------------------------------------------------------------------------------

  private static final Map<String, Long> DURATION_UNITS = Map.of(
      "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L,
      "m", 60_000_000_000L, "h", 3_600_000_000_000L);
  private static final long SIGN_BIT = Long.MIN_VALUE; // 1<<63 as an unsigned value

  private static BuiltinException invalidDuration(String orig) {
    return BuiltinException.error("time: invalid duration " + goTimeQuote(orig));
  }

  /** Go's time.ParseDuration (unsigned 64-bit accumulation, as Go does). */
  static long parseDuration(String orig) {
    String s = orig;
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) return 0;
    if (s.isEmpty()) throw invalidDuration(orig);
    long d = 0;
    while (!s.isEmpty()) {
      char c0 = s.charAt(0);
      if (!(c0 == '.' || (c0 >= '0' && c0 <= '9'))) throw invalidDuration(orig);
      int i = 0;
      long v = 0;
      for (; i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
        if (Long.compareUnsigned(v, Long.divideUnsigned(SIGN_BIT, 10)) > 0) throw invalidDuration(orig);
        v = v * 10 + (s.charAt(i) - '0');
        if (Long.compareUnsigned(v, SIGN_BIT) > 0) throw invalidDuration(orig);
      }
      boolean pre = i > 0;
      s = s.substring(i);
      long f = 0;
      double scale = 1;
      boolean post = false;
      if (!s.isEmpty() && s.charAt(0) == '.') {
        s = s.substring(1);
        int j = 0;
        boolean overflow = false;
        for (; j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9'; j++) {
          if (overflow) continue;
          if (Long.compareUnsigned(f, Long.MAX_VALUE / 10) > 0) {
            overflow = true;
            continue;
          }
          long y = f * 10 + (s.charAt(j) - '0');
          if (Long.compareUnsigned(y, SIGN_BIT) > 0) {
            overflow = true;
            continue;
          }
          f = y;
          scale *= 10;
        }
        post = j > 0;
        s = s.substring(j);
      }
      if (!pre && !post) throw invalidDuration(orig);
      int u = 0;
      while (u < s.length() && s.charAt(u) != '.' && !(s.charAt(u) >= '0' && s.charAt(u) <= '9')) u++;
      if (u == 0) throw BuiltinException.error("time: missing unit in duration " + goTimeQuote(orig));
      String unitName = s.substring(0, u);
      s = s.substring(u);
      Long unit = DURATION_UNITS.get(unitName);
      if (unit == null) {
        throw BuiltinException.error("time: unknown unit " + goTimeQuote(unitName) + " in duration " + goTimeQuote(orig));
      }
      if (Long.compareUnsigned(v, Long.divideUnsigned(SIGN_BIT, unit)) > 0) throw invalidDuration(orig);
      v *= unit;
      if (f > 0) {
        double frac = (double) f * ((double) unit / scale);
        if (frac >= 0x1p63) throw invalidDuration(orig);
        v += (long) frac;
        if (Long.compareUnsigned(v, SIGN_BIT) > 0) throw invalidDuration(orig);
      }
      d += v;
      if (Long.compareUnsigned(d, SIGN_BIT) > 0) throw invalidDuration(orig);
    }
    if (neg) return -d;
    if (Long.compareUnsigned(d, Long.MAX_VALUE) > 0) throw invalidDuration(orig);
    return d;
  }
}
