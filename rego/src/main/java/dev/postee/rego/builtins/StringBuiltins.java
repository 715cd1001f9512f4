package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Formatter;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * String builtins. Rego strings are sequences of Unicode code points: offsets, lengths and indexes
 * count code points (Go runes), never UTF-16 units. Case mapping, trimming, splitting and replacing
 * follow Go's strings package, sprintf follows Go's fmt (see {@link GoFmt}) and render_template Go's
 * text/template (see {@link GoTextTemplate}).
 */
public final class StringBuiltins implements BuiltinRegistrar {

  @Override
  public void register(BuiltinRegistry r) {
    r.function("concat", (ctx, a) -> concat(Args.string(a, 0), a[1]));
    r.function("contains", (ctx, a) -> BooleanValue.of(Args.string(a, 0).contains(Args.string(a, 1))));
    r.function("startswith", (ctx, a) -> BooleanValue.of(Args.string(a, 0).startsWith(Args.string(a, 1))));
    r.function("endswith", (ctx, a) -> BooleanValue.of(Args.string(a, 0).endsWith(Args.string(a, 1))));
    r.function("format_int", (ctx, a) -> formatInt(Args.number(a, 0), Args.number(a, 1)));
    r.function("indexof", (ctx, a) -> indexOf(Args.string(a, 0), Args.string(a, 1)));
    r.function("indexof_n", (ctx, a) -> indexOfN(Args.string(a, 0), Args.string(a, 1)));
    r.function("lower", (ctx, a) -> StringValue.of(mapCodePoints(Args.string(a, 0), false)));
    r.function("upper", (ctx, a) -> StringValue.of(mapCodePoints(Args.string(a, 0), true)));
    r.function("replace", (ctx, a) ->
        StringValue.of(replaceAll(Args.string(a, 0), Args.string(a, 1), Args.string(a, 2))));
    r.function("split", (ctx, a) -> split(Args.string(a, 0), Args.string(a, 1)));
    r.function("strings.split_n", (ctx, a) ->
        splitN(Args.string(a, 0), Args.string(a, 1), intOperand(a, 2)));
    r.function("sprintf", (ctx, a) -> sprintf(Args.string(a, 0), a[1]));
    r.function("substring", (ctx, a) ->
        substring(Args.string(a, 0), intOperand(a, 1), intOperand(a, 2)));
    r.function("trim", (ctx, a) -> StringValue.of(trim(Args.string(a, 0), Args.string(a, 1), true, true)));
    r.function("trim_left", (ctx, a) ->
        StringValue.of(trim(Args.string(a, 0), Args.string(a, 1), true, false)));
    r.function("trim_right", (ctx, a) ->
        StringValue.of(trim(Args.string(a, 0), Args.string(a, 1), false, true)));
    r.function("trim_prefix", (ctx, a) -> {
      String s = Args.string(a, 0);
      String prefix = Args.string(a, 1);
      return s.startsWith(prefix) ? StringValue.of(s.substring(prefix.length())) : a[0];
    });
    r.function("trim_suffix", (ctx, a) -> {
      String s = Args.string(a, 0);
      String suffix = Args.string(a, 1);
      return s.endsWith(suffix) ? StringValue.of(s.substring(0, s.length() - suffix.length())) : a[0];
    });
    r.function("trim_space", (ctx, a) -> StringValue.of(trimSpace(Args.string(a, 0))));
    r.function("strings.any_prefix_match", (ctx, a) -> anyAffixMatch(a, false));
    r.function("strings.any_suffix_match", (ctx, a) -> anyAffixMatch(a, true));
    r.function("strings.count", (ctx, a) -> NumberValue.of(count(Args.string(a, 0), Args.string(a, 1))));
    r.function("strings.replace_n", (ctx, a) -> replaceN(Args.object(a, 0), Args.string(a, 1)));
    r.function("strings.reverse", (ctx, a) ->
        StringValue.of(new StringBuilder(Args.string(a, 0)).reverse().toString()));
    r.function("strings.render_template", (ctx, a) ->
        StringValue.of(GoTextTemplate.render(ctx, Args.string(a, 0), Args.object(a, 1))));
  }

  // ---- operands ------------------------------------------------------------------------------

  /** OPA's IntOperand: an integer that fits Go's int; fractions and huge numbers are refused. */
  static long intOperand(Value[] args, int i) {
    NumberValue n = Args.number(args, i);
    if (!n.isSmallInt()) {
      throw BuiltinException.typeError(
          "operand " + (i + 1) + " must be integer number but got floating-point number");
    }
    return n.longValue();
  }

  /** "operand N must be array of strings but got array containing number". */
  static BuiltinException elementError(int pos, Value composite, Value element, String expected) {
    String type = composite.typeName();
    return BuiltinException.typeError("operand " + pos + " must be " + type + " of " + expected
        + "s but got " + type + " containing " + element.typeName());
  }

  // ---- concat --------------------------------------------------------------------------------

  private static Value concat(String join, Value collection) {
    List<Value> elems = switch (collection) {
      case ArrayValue arr -> arr.asList();
      case SetValue set -> set.elements();
      default -> throw BuiltinException.typeError(
          "operand 2 must be one of {set, array} but got " + collection.typeName());
    };
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < elems.size(); i++) {
      if (!(elems.get(i) instanceof StringValue s)) throw elementError(2, collection, elems.get(i), "string");
      if (i > 0) sb.append(join);
      sb.append(s.value());
    }
    return StringValue.of(sb.toString());
  }

  // ---- format_int ----------------------------------------------------------------------------

  private static final BigDecimal JUST_BELOW_ONE = BigDecimal.ONE.subtract(
      new BigDecimal(BigInteger.ONE).divide(new BigDecimal(BigInteger.ONE.shiftLeft(65))));

  private static Value formatInt(NumberValue input, NumberValue base) {
    int radix = base.isSmallInt() ? (int) Math.min(Math.max(base.longValue(), -1), 17) : -1;
    if (radix != 2 && radix != 8 && radix != 10 && radix != 16) {
      throw BuiltinException.typeError("operand 2 must be one of {2, 8, 10, 16}");
    }
    BigDecimal x = input.toBigDecimal();
    BigInteger i = input.isSmallInt() || x.scale() == 0 ? x.toBigIntegerExact() : truncateAsBigFloat(x);
    return StringValue.of(i.toString(radix));
  }

  /**
   * OPA reads non-integer literals into a big.Float, which keeps a 64-bit mantissa (rounded half to
   * even), and then truncates toward zero.
   */
  private static BigInteger truncateAsBigFloat(BigDecimal x) {
    BigDecimal abs = x.abs();
    BigInteger result;
    if (abs.compareTo(BigDecimal.ONE) < 0) {
      result = abs.compareTo(JUST_BELOW_ONE) >= 0 ? BigInteger.ONE : BigInteger.ZERO;
    } else {
      int shift = 64 - abs.toBigInteger().bitLength();
      BigDecimal factor = new BigDecimal(BigInteger.ONE.shiftLeft(Math.abs(shift)));
      BigDecimal scaled = shift >= 0 ? abs.multiply(factor) : abs.divide(factor);
      BigInteger mantissa = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
      result = shift >= 0 ? mantissa.shiftRight(shift) : mantissa.shiftLeft(-shift);
    }
    return x.signum() < 0 ? result.negate() : result;
  }

  // ---- searching -----------------------------------------------------------------------------

  private static Value indexOf(String base, String search) {
    if (search.isEmpty()) throw BuiltinException.error("empty search character");
    int i = base.indexOf(search);
    return NumberValue.of(i < 0 ? -1 : base.codePointCount(0, i));
  }

  /** All (overlapping) occurrences, as code point indexes. */
  private static Value indexOfN(String base, String search) {
    if (search.isEmpty()) throw BuiltinException.error("empty search character");
    List<Value> found = new ArrayList<>();
    int codePoints = 0;
    int counted = 0;
    for (int i = base.indexOf(search); i >= 0; i = base.indexOf(search, i + Character.charCount(base.codePointAt(i)))) {
      codePoints += base.codePointCount(counted, i);
      counted = i;
      found.add(NumberValue.of(codePoints));
    }
    return ArrayValue.of(found);
  }

  /** strings.Count: non-overlapping occurrences; the empty string occurs around every code point. */
  static int count(String s, String sub) {
    if (sub.isEmpty()) return s.codePointCount(0, s.length()) + 1;
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) n++;
    return n;
  }

  // ---- case ----------------------------------------------------------------------------------

  /** Go's ToUpper/ToLower: simple one-to-one mappings per code point, no locale, no expansions. */
  private static String mapCodePoints(String s, boolean upper) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int mapped = upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp);
      if (mapped != cp && sb == null) sb = new StringBuilder(s.length()).append(s, 0, i);
      if (sb != null) sb.appendCodePoint(mapped);
      i += Character.charCount(cp);
    }
    return sb == null ? s : sb.toString();
  }

  // ---- replacing -----------------------------------------------------------------------------

  /** strings.Replace(s, old, new, -1); an empty old matches around every code point. */
  static String replaceAll(String s, String old, String replacement) {
    if (!old.isEmpty()) return s.replace(old, replacement);
    StringBuilder sb = new StringBuilder(s.length() + (s.length() + 1) * replacement.length());
    sb.append(replacement);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      sb.appendCodePoint(cp).append(replacement);
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  /**
   * strings.NewReplacer over the pattern object's pairs in key order: scanning left to right, at
   * each position the first pair (in key order) whose key matches is applied; an empty key matches
   * once at every position.
   */
  private static Value replaceN(ObjectValue patterns, String s) {
    String[] olds = new String[patterns.size()];
    String[] news = new String[patterns.size()];
    for (int k = 0; k < patterns.size(); k++) {
      if (!(patterns.keyAt(k) instanceof StringValue key)) {
        throw BuiltinException.typeError("operand 1 non-string key found in pattern object");
      }
      if (!(patterns.valueAt(k) instanceof StringValue val)) {
        throw BuiltinException.typeError("operand 1 non-string value found in pattern object");
      }
      olds[k] = key.value();
      news[k] = val.value();
    }
    StringBuilder sb = new StringBuilder(s.length());
    int last = 0;
    boolean prevMatchEmpty = false;
    for (int i = 0; i <= s.length(); ) {
      int match = -1;
      for (int k = 0; k < olds.length; k++) {
        if (olds[k].isEmpty() && prevMatchEmpty) continue;
        if (s.startsWith(olds[k], i)) {
          match = k;
          break;
        }
      }
      prevMatchEmpty = match >= 0 && olds[match].isEmpty();
      if (match >= 0) {
        sb.append(s, last, i).append(news[match]);
        i += olds[match].length();
        last = i;
        continue;
      }
      if (i == s.length()) break;
      i += Character.charCount(s.codePointAt(i));
    }
    sb.append(s, last, s.length());
    return StringValue.of(sb.toString());
  }

  // ---- splitting -----------------------------------------------------------------------------

  private static Value split(String s, String delim) {
    if (!s.contains(delim)) return ArrayValue.of(StringValue.of(s));
    return strings(goSplitN(s, delim, -1));
  }

  /** First n fields for n &gt;= 0 (the rest dropped), the last -n fields for negative n. */
  private static Value splitN(String s, String delim, long n) {
    if (n >= 0) {
      long limit = n == Long.MAX_VALUE ? -1 : n + 1;
      List<String> parts = goSplitN(s, delim, limit);
      return strings(parts.subList(0, (int) Math.min(n, parts.size())));
    }
    List<String> parts = goSplitN(s, delim, -1);
    int start = (int) Math.max(parts.size() + n, 0);
    return strings(parts.subList(start, parts.size()));
  }

  /** Go's strings.SplitN: at most n parts (all when n &lt; 0); an empty sep splits into code points. */
  static List<String> goSplitN(String s, String sep, long n) {
    List<String> parts = new ArrayList<>();
    if (n == 0) return parts;
    if (sep.isEmpty()) {
      int runes = s.codePointCount(0, s.length());
      long count = n < 0 || n > runes ? runes : n;
      int i = 0;
      for (long k = 0; k < count - 1; k++) {
        int next = i + Character.charCount(s.codePointAt(i));
        parts.add(s.substring(i, next));
        i = next;
      }
      if (count > 0) parts.add(s.substring(i));
      return parts;
    }
    int from = 0;
    while (n < 0 || parts.size() < n - 1) {
      int m = s.indexOf(sep, from);
      if (m < 0) break;
      parts.add(s.substring(from, m));
      from = m + sep.length();
    }
    parts.add(s.substring(from));
    return parts;
  }

  private static ArrayValue strings(List<String> parts) {
    Value[] out = new Value[parts.size()];
    for (int i = 0; i < out.length; i++) out[i] = StringValue.of(parts.get(i));
    return ArrayValue.wrap(out);
  }

  // ---- substring -----------------------------------------------------------------------------

  private static Value substring(String base, long offset, long length) {
    if (offset < 0) throw BuiltinException.error("negative offset");
    int runes = base.codePointCount(0, base.length());
    if (offset >= runes) return StringValue.EMPTY;
    int start = base.offsetByCodePoints(0, (int) offset);
    if (length < 0 || length >= runes - offset) return StringValue.of(base.substring(start));
    return StringValue.of(base.substring(start, base.offsetByCodePoints(start, (int) length)));
  }

  // ---- trimming ------------------------------------------------------------------------------

  /** strings.Trim/TrimLeft/TrimRight: drops leading/trailing code points found in the cutset. */
  private static String trim(String s, String cutset, boolean left, boolean right) {
    if (s.isEmpty() || cutset.isEmpty()) return s;
    int start = 0;
    int end = s.length();
    if (left) {
      while (start < end) {
        int cp = s.codePointAt(start);
        if (cutset.indexOf(cp) < 0) break;
        start += Character.charCount(cp);
      }
    }
    if (right) {
      while (end > start) {
        int cp = s.codePointBefore(end);
        if (cutset.indexOf(cp) < 0) break;
        end -= Character.charCount(cp);
      }
    }
    return s.substring(start, end);
  }

  private static String trimSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isGoSpace(s.codePointAt(start))) start += Character.charCount(s.codePointAt(start));
    while (end > start && isGoSpace(s.codePointBefore(end))) end -= Character.charCount(s.codePointBefore(end));
    return s.substring(start, end);
  }

  /** unicode.IsSpace: Unicode White_Space (unlike Java, this includes no-break spaces). */
  static boolean isGoSpace(int cp) {
    return switch (cp) {
      case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F,
          0x3000 -> true;
      default -> cp >= 0x2000 && cp <= 0x200A;
    };
  }

  // ---- prefix/suffix matching over collections -----------------------------------------------

  private static Value anyAffixMatch(Value[] a, boolean suffix) {
    List<String> strs = affixOperand(a[0], 1);
    List<String> affixes = affixOperand(a[1], 2);
    if (strs.isEmpty() || affixes.isEmpty()) return BooleanValue.FALSE;
    if (suffix) {
      strs.replaceAll(StringBuiltins::reverse);
      affixes.replaceAll(StringBuiltins::reverse);
    }
    // Strings sharing a prefix sort right after it, so one binary search per prefix suffices.
    Collections.sort(strs);
    for (String affix : affixes) {
      int i = Collections.binarySearch(strs, affix);
      if (i < 0) i = -i - 1;
      if (i < strs.size() && strs.get(i).startsWith(affix)) return BooleanValue.TRUE;
    }
    return BooleanValue.FALSE;
  }

  private static String reverse(String s) {
    return new StringBuilder(s).reverse().toString();
  }

  private static List<String> affixOperand(Value v, int pos) {
    List<Value> elems = switch (v) {
      case StringValue s -> List.of(s);
      case ArrayValue arr -> arr.asList();
      case SetValue set -> set.elements();
      default -> throw BuiltinException.typeError(
          "operand " + pos + " must be one of {string, set, array} but got " + v.typeName());
    };
    List<String> out = new ArrayList<>(elems.size());
    for (Value e : elems) {
      if (!(e instanceof StringValue s)) throw elementError(pos, v, e, "string");
      out.add(s.value());
    }
    return out;
  }

  // ---- sprintf -------------------------------------------------------------------------------

  private static Value sprintf(String format, Value operands) {
    if (!(operands instanceof ArrayValue arr)) {
      throw BuiltinException.typeError("operand 2 must be array but got " + operands.typeName());
    }
    List<Object> args = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) args.add(sprintfOperand(arr.get(i)));
    return StringValue.of(GoFmt.sprintf(format, args));
  }

  /**
   * The Go value OPA passes to fmt for an operand: numbers written with a fraction or exponent
   * become float64 (or their text when out of float64 range), integers int64 or *big.Int, strings
   * stay strings and every other value becomes its Rego text.
   */
  static Object sprintfOperand(Value v) {
    if (v instanceof NumberValue n) {
      if (n.isSmallInt()) return new GoFmt.GoInt(n.longValue(), "int64");
      BigDecimal bd = n.toBigDecimal();
      if (bd.scale() == 0) return new GoFmt.GoBigInt(bd.toBigIntegerExact());
      double d = bd.doubleValue();
      if (Double.isInfinite(d)) return GoFmt.GoString.of(bd.toString().replace("E+", "e").replace('E', 'e'));
      return new GoFmt.GoFloat(d);
    }
    if (v instanceof StringValue s) return GoFmt.GoString.of(s.value());
    return GoFmt.GoString.of(Formatter.rego(v));
  }
}
