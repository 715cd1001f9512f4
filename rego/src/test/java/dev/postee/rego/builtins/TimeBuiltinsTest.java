package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class TimeBuiltinsTest {
  private static final long NS = 1_000_000_000L;

  private static Value call(String name, Value... args) {
    return call(new DefaultBuiltinContext(), name, args);
  }

  private static Value call(BuiltinContext ctx, String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(ctx, args);
  }

  private static StringValue s(String v) { return StringValue.of(v); }

  private static NumberValue n(long v) { return NumberValue.of(v); }

  private static ArrayValue ints(long... v) {
    Value[] out = new Value[v.length];
    for (int i = 0; i < v.length; i++) out[i] = n(v[i]);
    return ArrayValue.of(out);
  }

  private static void assertError(String code, String message, String name, Value... args) {
    assertThatThrownBy(() -> call(name, args))
        .isInstanceOfSatisfying(BuiltinException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  private static Value parseNs(String layout, String value) { return call("time.parse_ns", s(layout), s(value)); }

  @Test
  void nowIsStableWithinOneEvaluation() {
    DefaultBuiltinContext ctx = new DefaultBuiltinContext();
    Value first = call(ctx, "time.now_ns");
    assertThat(call(ctx, "time.now_ns")).isEqualTo(first);
    assertThat(((NumberValue) first).longValue()).isEqualTo(ctx.nowNanos());
  }

  @Test
  void parseNsWithGoLayouts() {
    assertThat(parseNs("2006-01-02T15:04:05Z07:00", "2017-06-02T19:00:00-07:00")).isEqualTo(n(1496455200000000000L));
    assertThat(parseNs("2006-01-02T15:04:05Z07:00", "1677-09-21T00:12:43.145224192-00:00")).isEqualTo(n(Long.MIN_VALUE));
    assertThat(parseNs("2006-01-02T15:04:05Z07:00", "2262-04-11T23:47:16.854775807-00:00")).isEqualTo(n(Long.MAX_VALUE));
    assertThat(parseNs("01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700")).isEqualTo(n(1496455200000000000L));
    assertThat(parseNs("02 Jan 06 15:04 -0700", "02 Jun 17 19:00 -0700")).isEqualTo(n(1496455200000000000L));
    assertThat(parseNs("RFC822Z", "02 Jun 17 19:00 -0700")).isEqualTo(n(1496455200000000000L));
    assertThat(parseNs("2006-01-02", "2020-02-02")).isEqualTo(n(1580601600L * NS));
    assertThat(parseNs("Monday, January 2, 2006 3:04pm", "tuesday, FEBRUARY 4, 2020 12:30am"))
        .isEqualTo(n(1580776200L * NS));
    assertThat(parseNs("2006-01-02 15:04:05.000", "1969-12-31 23:59:59.500")).isEqualTo(n(-500_000_000L));
    assertThat(parseNs("2006-002", "2020-060")).isEqualTo(n(1582934400L * NS));
    assertThat(parseNs("RFC1123", "Mon, 02 Jan 2006 15:04:05 UTC")).isEqualTo(n(1136214245L * NS));
    assertThat(parseNs("Jan _2 15:04:05 2006 MST", "Feb  3 04:05:06 2010 GMT+2")).isEqualTo(n(1265162706L * NS));
    assertThat(parseNs("2006-01-02T15:04:05.999999999Z07:00", "2020-01-01T00:00:00.1+01:00"))
        .isEqualTo(n(1577833200L * NS + 100_000_000L));
  }

  @Test
  void parseErrorsReadLikeGo() {
    assertError(BuiltinException.BUILTIN_ERROR,
        "parsing time \"2017/06/02\" as \"2006-01-02\": cannot parse \"/06/02\" as \"-\"",
        "time.parse_ns", s("2006-01-02"), s("2017/06/02"));
    assertError(BuiltinException.BUILTIN_ERROR,
        "parsing time \"2017-13-02\": month out of range", "time.parse_ns", s("2006-01-02"), s("2017-13-02"));
    assertError(BuiltinException.BUILTIN_ERROR,
        "parsing time \"2021-02-29\": day out of range", "time.parse_ns", s("2006-01-02"), s("2021-02-29"));
    assertError(BuiltinException.BUILTIN_ERROR,
        "parsing time \"2021-02-01x\": extra text: \"x\"", "time.parse_ns", s("2006-01-02"), s("2021-02-01x"));
    assertError(BuiltinException.BUILTIN_ERROR,
        "parsing time \"21-02-01\" as \"2006-01-02\": cannot parse \"21-02-01\" as \"2006\"",
        "time.parse_ns", s("2006-01-02"), s("21-02-01"));
    assertError(BuiltinException.BUILTIN_ERROR,
        "parsing time \"Foo 2\" as \"Jan 2\": cannot parse \"Foo 2\" as \"Jan\"", "time.parse_ns", s("Jan 2"), s("Foo 2"));
  }

  @Test
  void parseRangeLimits() {
    assertError(BuiltinException.BUILTIN_ERROR, "time outside of valid range", "time.parse_ns",
        s("2006-01-02T15:04:05Z07:00"), s("1677-09-21T00:12:43.145224191-00:00"));
    assertError(BuiltinException.BUILTIN_ERROR, "time outside of valid range", "time.parse_ns",
        s("2006-01-02T15:04:05Z07:00"), s("2262-04-11T23:47:16.854775808-00:00"));
    assertThat(call("time.parse_rfc3339_ns", s("1970-01-01T00:00:00-00:00"))).isEqualTo(n(0));
    assertThat(call("time.parse_rfc3339_ns", s("2017-06-02T19:00:00-07:00"))).isEqualTo(n(1496455200000000000L));
    assertThat(call("time.parse_rfc3339_ns", s("1677-09-21T00:12:43.145224192-00:00"))).isEqualTo(n(Long.MIN_VALUE));
    assertError(BuiltinException.BUILTIN_ERROR, "time outside of valid range", "time.parse_rfc3339_ns",
        s("2262-04-11T23:47:16.854775808-00:00"));
    assertError(BuiltinException.BUILTIN_ERROR,
        "parsing time \"2017-06-02\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\"",
        "time.parse_rfc3339_ns", s("2017-06-02"));
  }

  @Test
  void parseDurations() {
    assertThat(call("time.parse_duration_ns", s("100ms"))).isEqualTo(n(100_000_000L));
    assertThat(call("time.parse_duration_ns", s("1h30m"))).isEqualTo(n(5_400_000_000_000L));
    assertThat(call("time.parse_duration_ns", s("-1.5h"))).isEqualTo(n(-5_400_000_000_000L));
    assertThat(call("time.parse_duration_ns", s("1µs2ns"))).isEqualTo(n(1_002L));
    assertThat(call("time.parse_duration_ns", s(".5s"))).isEqualTo(n(500_000_000L));
    assertThat(call("time.parse_duration_ns", s("0"))).isEqualTo(n(0));
    assertThat(call("time.parse_duration_ns", s("2562047h47m16.854775807s"))).isEqualTo(n(Long.MAX_VALUE));
    assertThat(call("time.parse_duration_ns", s("-2562047h47m16.854775808s"))).isEqualTo(n(Long.MIN_VALUE));
    assertError(BuiltinException.BUILTIN_ERROR, "time: missing unit in duration \"1\"", "time.parse_duration_ns", s("1"));
    assertError(BuiltinException.BUILTIN_ERROR, "time: unknown unit \"d\" in duration \"3d\"", "time.parse_duration_ns",
        s("3d"));
    assertError(BuiltinException.BUILTIN_ERROR, "time: invalid duration \"\"", "time.parse_duration_ns", s(""));
    assertError(BuiltinException.BUILTIN_ERROR, "time: invalid duration \"2562047h47m16.854775808s\"",
        "time.parse_duration_ns", s("2562047h47m16.854775808s"));
  }

  @Test
  void dateClockWeekdayInZones() {
    long t = 1517814000L * NS;
    assertThat(call("time.date", n(t))).isEqualTo(ints(2018, 2, 5));
    assertThat(call("time.date", ArrayValue.of(n(t), s("America/Los_Angeles")))).isEqualTo(ints(2018, 2, 4));
    assertThat(call("time.date", ArrayValue.of(n(1517832000L * NS), s("")))).isEqualTo(ints(2018, 2, 5));
    assertThat(call("time.date", n(1582977600L * NS))).isEqualTo(ints(2020, 2, 29));
    assertThat(call("time.date", n(-1))).isEqualTo(ints(1969, 12, 31));
    assertThat(call("time.clock", n(1517832000L * NS))).isEqualTo(ints(12, 0, 0));
    assertThat(call("time.clock", ArrayValue.of(n(1517832000L * NS), s("America/New_York")))).isEqualTo(ints(7, 0, 0));
    assertThat(call("time.clock", n(-1))).isEqualTo(ints(23, 59, 59));
    String[] days = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    for (int i = 0; i < 7; i++) {
      assertThat(call("time.weekday", n((1517832000L + i * 86400L) * NS))).isEqualTo(s(days[i]));
    }
  }

  @Test
  void timestampOperandErrors() {
    NumberValue tooBig = NumberValue.of(new BigInteger("1582977600000000000000"));
    assertError(BuiltinException.BUILTIN_ERROR, "timestamp too big", "time.date", tooBig);
    assertError(BuiltinException.BUILTIN_ERROR, "timestamp too big", "time.clock", tooBig);
    assertError(BuiltinException.BUILTIN_ERROR, "timestamp too big", "time.weekday", tooBig);
    assertError(BuiltinException.BUILTIN_ERROR, "timestamp too big", "time.format", tooBig);
    assertError(BuiltinException.BUILTIN_ERROR, "unknown time zone Mars/Olympus", "time.date",
        ArrayValue.of(n(0), s("Mars/Olympus")));
    assertError(BuiltinException.TYPE_ERROR, "operand 1 must be either number (ns) or [number (ns), string (tz)] but got array",
        "time.date", ArrayValue.EMPTY);
    assertError(BuiltinException.TYPE_ERROR, "operand 1 must be number but got string", "time.date",
        ArrayValue.of(s("x")));
    assertError(BuiltinException.TYPE_ERROR, "operand 1 must be string but got number", "time.date",
        ArrayValue.of(n(0), n(1)));
  }

  @Test
  void addDateNormalisesLikeGo() {
    assertThat(call("time.add_date", n(1585852421593912000L), n(3), n(9), n(12))).isEqualTo(n(1705257221593912000L));
    assertThat(call("time.add_date", n(1585852421593912000L), n(-1), n(-1), n(-1))).isEqualTo(n(1551465221593912000L));
    // Jan 31 + 1 month overflows into March, as in Go.
    assertThat(call("time.add_date", parseNs("2006-01-02", "2021-01-31"), n(0), n(1), n(0)))
        .isEqualTo(parseNs("2006-01-02", "2021-03-03"));
    assertError(BuiltinException.BUILTIN_ERROR, "time outside of valid range", "time.add_date", n(0), n(2262), n(1), n(1));
    assertError(BuiltinException.BUILTIN_ERROR, "time outside of valid range", "time.add_date",
        n(Long.MIN_VALUE), n(0), n(0), n(-1));
    assertError(BuiltinException.TYPE_ERROR, "operand 2 must be integer number but got floating-point number",
        "time.add_date", n(0), NumberValue.parse("1.5"), n(0), n(0));
  }

  @Test
  void diffCountsCalendarUnits() {
    assertThat(call("time.diff", parseNs("2006-01-02", "2020-02-02"), parseNs("2006-01-02", "2020-03-01")))
        .isEqualTo(ints(0, 0, 28, 0, 0, 0));
    assertThat(call("time.diff", parseNs("2006-01-02", "2021-02-02"), parseNs("2006-01-02", "2021-03-01")))
        .isEqualTo(ints(0, 0, 27, 0, 0, 0));
    assertThat(call("time.diff", parseNs("2006-01-02", "2004-02-29"), parseNs("2006-01-02", "2005-03-01")))
        .isEqualTo(ints(1, 0, 1, 0, 0, 0));
    long now = 1_700_000_000L * NS;
    assertThat(call("time.diff", n(now + 61 * NS), n(now))).isEqualTo(ints(0, 0, 0, 0, 1, 1));
    assertThat(call("time.diff", ArrayValue.of(n(now + 60 * NS), s("UTC")), ArrayValue.of(n(now), s("Asia/Shanghai"))))
        .isEqualTo(ints(0, 0, 0, 0, 1, 0));
  }

  @Test
  void formatWithLayoutsAndZones() {
    long t = 1670006453141828752L;
    assertThat(call("time.format", n(t))).isEqualTo(s("2022-12-02T18:40:53.141828752Z"));
    assertThat(call("time.format", ArrayValue.of(n(t), s("Asia/Kolkata")))).isEqualTo(s("2022-12-03T00:10:53.141828752+05:30"));
    assertThat(call("time.format", ArrayValue.of(n(t), s("Asia/Kolkata"), s("Mon Jan 02 15:04:05 -0700 2006"))))
        .isEqualTo(s("Sat Dec 03 00:10:53 +0530 2022"));
    assertThat(call("time.format", ArrayValue.of(n(t), s("Asia/Kolkata"), s("RFC1123Z"))))
        .isEqualTo(s("Sat, 03 Dec 2022 00:10:53 +0530"));
    assertThat(call("time.format", ArrayValue.of(n(t), s("Asia/Kolkata"), s("RFC1123"))))
        .isEqualTo(s("Sat, 03 Dec 2022 00:10:53 IST"));
    assertThat(call("time.format", ArrayValue.of(n(t), s("America/Sao_Paulo"), s("MST -07"))))
        .isEqualTo(s("-03 -03"));
    assertThat(call("time.format", ArrayValue.of(n(t), s("UTC"), s("UnixDate")))).isEqualTo(s("Fri Dec  2 18:40:53 UTC 2022"));
    assertThat(call("time.format", ArrayValue.of(n(t), s(""), s("3:4:5pm .000 ,999 .9 __2 002 January Monday _2006"))))
        .isEqualTo(s("6:40:53pm .141 ,141 .1 336 336 December Friday _2022"));
    assertThat(call("time.format", ArrayValue.of(n(0), s("UTC"), s("2006-01-02T15:04:05.999999999Z07:00"))))
        .isEqualTo(s("1970-01-01T00:00:00Z"));
    assertThat(call("time.format", ArrayValue.of(n(Long.MIN_VALUE), s("UTC"), s("RFC3339Nano"))))
        .isEqualTo(s("1677-09-21T00:12:43.145224192Z"));
    assertThat(call("time.format", ArrayValue.of(n(t), s("America/New_York"), s("2006-01-02 15:04:05 Z0700 Z07:00:00"))))
        .isEqualTo(s("2022-12-02 13:40:53 -0500 -05:00:00"));
  }

  @Test
  void formatAndParseRoundTripAcrossZones() {
    long t = 1_600_000_000_123_000_000L;
    for (String zone : new String[] {"UTC", "Europe/Berlin", "Australia/Adelaide", "America/St_Johns"}) {
      Value text = call("time.format", ArrayValue.of(n(t), s(zone), s("RFC3339Nano")));
      assertThat(call("time.parse_rfc3339_ns", text)).isEqualTo(n(t));
    }
  }
}
