package dev.postee.rego.builtins;

import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Formatter;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigInteger;
import java.util.regex.Pattern;

/** {@code semver.is_valid} and {@code semver.compare}, with the parsing rules of OPA's internal semver package. */
public final class SemverBuiltins implements BuiltinRegistrar {
  private static final Pattern IDENTIFIERS = Pattern.compile("[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*");
  /** Go's strconv.ParseInt(s, 10, 64): optional sign, ASCII digits, within int64. */
  private static final Pattern INT64 = Pattern.compile("[+-]?[0-9]+");
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private record Version(long major, long minor, long patch, String preRelease) {}

  @Override
  public void register(BuiltinRegistry r) {
    r.function("semver.is_valid", (ctx, a) ->
        BooleanValue.of(a[0] instanceof StringValue s && parse(s.value()) != null));
    r.function("semver.compare", (ctx, a) -> compare(Args.string(a, 0), Args.string(a, 1)));
  }

  private static Value compare(String a, String b) {
    Version x = parse(a);
    if (x == null) throw invalid(1, a);
    Version y = parse(b);
    if (y == null) throw invalid(2, b);
    return NumberValue.of(compare(x, y));
  }

  private static BuiltinException invalid(int operand, String s) {
    return BuiltinException.error("operand " + operand + ": string " + Formatter.goQuote(s) + " is not a valid SemVer");
  }

  /** [v]MAJOR.MINOR.PATCH[-PRERELEASE][+METADATA]; null when invalid. */
  private static Version parse(String version) {
    String s = version.startsWith("v") ? version.substring(1) : version;
    int plus = s.indexOf('+');
    if (plus >= 0) {
      String metadata = s.substring(plus + 1);
      if (!metadata.isEmpty() && !IDENTIFIERS.matcher(metadata).matches()) return null;
      s = s.substring(0, plus);
    }
    String preRelease = "";
    int dash = s.indexOf('-');
    if (dash >= 0) {
      preRelease = s.substring(dash + 1);
      if (!preRelease.isEmpty() && !IDENTIFIERS.matcher(preRelease).matches()) return null;
      s = s.substring(0, dash);
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 3) return null;
    Long major = parseInt64(parts[0]);
    Long minor = parseInt64(parts[1]);
    Long patch = parseInt64(parts[2]);
    if (major == null || minor == null || patch == null) return null;
    return new Version(major, minor, patch, preRelease);
  }

  private static Long parseInt64(String s) {
    if (!INT64.matcher(s).matches()) return null;
    BigInteger v = new BigInteger(s);
    if (v.compareTo(LONG_MIN) < 0 || v.compareTo(LONG_MAX) > 0) return null;
    return v.longValue();
  }

  /** SemVer precedence; build metadata is ignored. */
  private static int compare(Version v, Version o) {
    if (v.major != o.major) return v.major > o.major ? 1 : -1;
    if (v.minor != o.minor) return v.minor > o.minor ? 1 : -1;
    if (v.patch != o.patch) return v.patch > o.patch ? 1 : -1;
    if (v.preRelease.equals(o.preRelease)) return 0;
    if (v.preRelease.isEmpty()) return 1;
    if (o.preRelease.isEmpty()) return -1;
    String[] a = v.preRelease.split("\\.", -1);
    String[] b = o.preRelease.split("\\.", -1);
    for (int i = 0; ; i++) {
      if (i == a.length || i == b.length) {
        // Identifiers differing only in spelling ("01" and "1") are equal; OPA would loop forever.
        return Integer.compare(a.length, b.length);
      }
      int c = compareIdentifiers(a[i], b[i]);
      if (c != 0) return c;
    }
  }

  /** Numeric identifiers compare as numbers and rank below alphanumeric ones, which compare as text. */
  private static int compareIdentifiers(String a, String b) {
    boolean aNumeric = isAllDigits(a);
    boolean bNumeric = isAllDigits(b);
    if (aNumeric && !bNumeric) return -1;
    if (!aNumeric && bNumeric) return 1;
    if (aNumeric) return Long.compare(atoi(a), atoi(b));
    return Integer.signum(a.compareTo(b));
  }

  private static boolean isAllDigits(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  /** strconv.Atoi saturates out-of-range values at the int64 bounds. */
  private static long atoi(String digits) {
    BigInteger v = new BigInteger(digits);
    return v.compareTo(LONG_MAX) > 0 ? Long.MAX_VALUE : v.longValue();
  }
}
