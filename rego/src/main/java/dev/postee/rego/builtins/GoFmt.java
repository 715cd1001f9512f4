package dev.postee.rego.builtins;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Go's {@code fmt.Sprintf} (and {@code fmt.Sprint}/{@code Sprintln}) over the Go values that OPA
 * hands to it: sprintf converts Rego numbers to int64, *big.Int or float64 and everything else to a
 * string; text/template adds bools, nil, slices and maps. Verbs, flags, width, precision, argument
 * indexes and the {@code %!verb(type=value)} error forms follow Go's fmt package, floats follow
 * strconv (shortest round-trip digits, exact rounding for fixed precision).
 */
final class GoFmt {
  private GoFmt() {}

  // ---- Go values -------------------------------------------------------------------------------

  /** A Go integer of the named type ("int64" for sprintf operands, "int" for template literals). */
  record GoInt(long value, String type) {}

  /** A *big.Int, which formats itself (math/big's Format). */
  record GoBigInt(BigInteger value) {}

  record GoFloat(double value) {}

  /** A Go string, or a named string type such as json.Number. */
  record GoString(String value, String type) {
    static GoString of(String s) { return new GoString(s, "string"); }
  }

  record GoBool(boolean value) {}

  /** A []interface {}; elements are Go values or null (a nil interface). */
  record GoSlice(List<Object> elems) {}

  /** A map[string]interface {} with keys in sorted order (as fmt prints maps). */
  record GoMap(Map<String, Object> entries) {}

  static String typeName(Object v) {
    return switch (v) {
      case null -> "<nil>";
      case GoInt i -> i.type();
      case GoBigInt b -> "*big.Int";
      case GoFloat f -> "float64";
      case GoString s -> s.type();
      case GoBool b -> "bool";
      case GoSlice s -> "[]interface {}";
      case GoMap m -> "map[string]interface {}";
      default -> throw new IllegalArgumentException("not a Go value: " + v.getClass());
    };
  }

  // ---- entry points ----------------------------------------------------------------------------

  static String sprintf(String format, List<Object> args) {
    Printer p = new Printer();
    p.doPrintf(format, args);
    return p.buf.toString();
  }

  /** fmt.Sprint: spaces between operands when neither side is a string. */
  static String sprint(List<Object> args) {
    Printer p = new Printer();
    boolean prevString = false;
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      boolean isString = arg instanceof GoString;
      if (i > 0 && !isString && !prevString) p.buf.append(' ');
      p.clearFlags();
      p.printArg(arg, 'v');
      prevString = isString;
    }
    return p.buf.toString();
  }

  /** fmt.Sprintln: spaces between all operands and a trailing newline. */
  static String sprintln(List<Object> args) {
    Printer p = new Printer();
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) p.buf.append(' ');
      p.clearFlags();
      p.printArg(args.get(i), 'v');
    }
    p.buf.append('\n');
    return p.buf.toString();
  }

  // ---- the printer (fmt's pp and fmt structs) --------------------------------------------------

  private static final String LDIGITS = "0123456789abcdefx";
  private static final String UDIGITS = "0123456789ABCDEFX";
  private static final int MAX_WIDTH = 1_000_000;

  private static final class Printer {
    final StringBuilder buf = new StringBuilder();
    boolean widPresent;
    boolean precPresent;
    boolean minus;
    boolean plus;
    boolean sharp;
    boolean space;
    boolean zero;
    boolean plusV;
    boolean sharpV;
    int wid;
    int prec;
    boolean reordered;
    boolean goodArgNum;
    boolean erroring;

    void clearFlags() {
      widPresent = precPresent = minus = plus = sharp = space = zero = plusV = sharpV = false;
      wid = 0;
      prec = 0;
    }

    // -- format string processing --

    void doPrintf(String format, List<Object> a) {
      int end = format.length();
      int argNum = 0;
      boolean afterIndex = false;
      reordered = false;
      int i = 0;
      while (i < end) {
        goodArgNum = true;
        int lasti = i;
        while (i < end && format.charAt(i) != '%') i++;
        if (i > lasti) buf.append(format, lasti, i);
        if (i >= end) break;
        i++; // skip %
        clearFlags();
        flags:
        for (; i < end; i++) {
          switch (format.charAt(i)) {
            case '#' -> sharp = true;
            case '0' -> zero = true;
            case '+' -> plus = true;
            case '-' -> minus = true;
            case ' ' -> space = true;
            default -> { break flags; }
          }
        }
        // explicit argument index
        int[] an = argNumber(argNum, format, i, a.size());
        argNum = an[0];
        i = an[1];
        afterIndex = an[2] == 1;
        // width
        if (i < end && format.charAt(i) == '*') {
          i++;
          long[] w = intFromArg(a, argNum);
          wid = (int) w[0];
          widPresent = w[1] == 1;
          argNum = (int) w[2];
          if (!widPresent) buf.append("%!(BADWIDTH)");
          if (wid < 0) {
            wid = -wid;
            minus = true;
            zero = false;
          }
          afterIndex = false;
        } else {
          int[] n = parseNum(format, i, end);
          wid = n[0];
          widPresent = n[1] == 1;
          i = n[2];
          if (afterIndex && widPresent) goodArgNum = false;
        }
        // precision
        if (i + 1 < end && format.charAt(i) == '.') {
          i++;
          if (afterIndex) goodArgNum = false;
          an = argNumber(argNum, format, i, a.size());
          argNum = an[0];
          i = an[1];
          afterIndex = an[2] == 1;
          if (i < end && format.charAt(i) == '*') {
            i++;
            long[] pr = intFromArg(a, argNum);
            prec = (int) pr[0];
            precPresent = pr[1] == 1;
            argNum = (int) pr[2];
            if (prec < 0) {
              prec = 0;
              precPresent = false;
            }
            if (!precPresent) buf.append("%!(BADPREC)");
            afterIndex = false;
          } else {
            int[] n = parseNum(format, i, end);
            prec = n[0];
            precPresent = n[1] == 1;
            i = n[2];
            if (!precPresent) {
              prec = 0;
              precPresent = true;
            }
          }
        }
        if (!afterIndex) {
          an = argNumber(argNum, format, i, a.size());
          argNum = an[0];
          i = an[1];
          afterIndex = an[2] == 1;
        }
        if (i >= end) {
          buf.append("%!(NOVERB)");
          break;
        }
        int verb = format.codePointAt(i);
        i += Character.charCount(verb);
        if (verb == '%') {
          buf.append('%');
        } else if (!goodArgNum) {
          buf.append("%!").appendCodePoint(verb).append("(BADINDEX)");
        } else if (argNum >= a.size()) {
          buf.append("%!").appendCodePoint(verb).append("(MISSING)");
        } else {
          if (verb == 'v') {
            sharpV = sharp;
            sharp = false;
            plusV = plus;
            plus = false;
          }
          printArg(a.get(argNum), verb);
          argNum++;
        }
      }
      if (!reordered && argNum < a.size()) {
        clearFlags();
        buf.append("%!(EXTRA ");
        for (int k = argNum; k < a.size(); k++) {
          if (k > argNum) buf.append(", ");
          Object arg = a.get(k);
          if (arg == null) {
            buf.append("<nil>");
          } else {
            buf.append(typeName(arg)).append('=');
            printArg(arg, 'v');
          }
        }
        buf.append(')');
      }
    }

    /** Returns {value, present(0/1), newIndex}; overlong numbers consume the rest of the format. */
    static int[] parseNum(String s, int start, int end) {
      if (start >= end) return new int[] {0, 0, end};
      int num = 0;
      boolean isNum = false;
      int i = start;
      for (; i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
        if (num > MAX_WIDTH) return new int[] {0, 0, end};
        num = num * 10 + (s.charAt(i) - '0');
        isNum = true;
      }
      return new int[] {num, isNum ? 1 : 0, i};
    }

    /** Returns {argNum, newIndex, found(0/1)} for an optional "[n]" at format[i]. */
    int[] argNumber(int argNum, String format, int i, int numArgs) {
      if (format.length() <= i || format.charAt(i) != '[') return new int[] {argNum, i, 0};
      reordered = true;
      int index = 0;
      int wid = 1;
      boolean ok = false;
      if (format.length() - i >= 3) {
        for (int j = i + 1; j < format.length(); j++) {
          if (format.charAt(j) == ']') {
            int[] n = parseNum(format, i + 1, j);
            wid = j - i + 1;
            ok = n[1] == 1 && n[2] == j;
            index = ok ? n[0] - 1 : 0;
            break;
          }
        }
      }
      if (ok && index >= 0 && index < numArgs) return new int[] {index, i + wid, 1};
      goodArgNum = false;
      return new int[] {argNum, i + wid, ok ? 1 : 0};
    }

    /** Returns {value, isInt(0/1), newArgNum}: a '*' width or precision taken from an operand. */
    static long[] intFromArg(List<Object> a, int argNum) {
      long num = 0;
      boolean isInt = false;
      int newArgNum = argNum;
      if (argNum < a.size()) {
        if (a.get(argNum) instanceof GoInt gi) {
          num = gi.value();
          isInt = true;
        }
        newArgNum = argNum + 1;
        if (num > MAX_WIDTH || num < -MAX_WIDTH) {
          num = 0;
          isInt = false;
        }
      }
      return new long[] {num, isInt ? 1 : 0, newArgNum};
    }

    // -- operands --

    void printArg(Object arg, int verb) {
      if (arg == null) {
        if (verb == 'T' || verb == 'v') {
          pad("<nil>");
        } else {
          badVerb(verb, null);
        }
        return;
      }
      if (verb == 'T') {
        fmtString(typeName(arg), 's');
        return;
      }
      if (verb == 'p') {
        badVerb(verb, arg);
        return;
      }
      switch (arg) {
        case GoBool b -> {
          if (verb == 't' || verb == 'v') {
            pad(b.value() ? "true" : "false");
          } else {
            badVerb(verb, arg);
          }
        }
        case GoInt i -> fmtInteger(i.value(), verb, arg);
        case GoFloat f -> fmtFloatVerb(f.value(), verb, arg);
        case GoString s -> fmtString(s.value(), verb, arg);
        case GoBigInt b -> formatBigInt(b.value(), verb);
        case GoSlice s -> printSlice(s, verb);
        case GoMap m -> printMap(m, verb);
        default -> throw new IllegalArgumentException("not a Go value: " + arg.getClass());
      }
    }

    /** An element of a slice or map: a nil interface prints as "<nil>" whatever the verb. */
    void printElement(Object elem, int verb) {
      if (elem == null) {
        if (sharpV) {
          buf.append("interface {}(nil)");
        } else {
          buf.append("<nil>");
        }
        return;
      }
      printArg(elem, verb);
    }

    void printSlice(GoSlice s, int verb) {
      if (sharpV) {
        buf.append("[]interface {}{");
      } else {
        buf.append('[');
      }
      List<Object> elems = s.elems();
      for (int i = 0; i < elems.size(); i++) {
        if (i > 0) buf.append(sharpV ? ", " : " ");
        printElement(elems.get(i), verb);
      }
      buf.append(sharpV ? '}' : ']');
    }

    void printMap(GoMap m, int verb) {
      if (sharpV) {
        buf.append("map[string]interface {}{");
      } else {
        buf.append("map[");
      }
      boolean first = true;
      for (Map.Entry<String, Object> e : m.entries().entrySet()) {
        if (!first) buf.append(sharpV ? ", " : " ");
        first = false;
        printArg(GoString.of(e.getKey()), verb);
        buf.append(':');
        printElement(e.getValue(), verb);
      }
      buf.append(sharpV ? '}' : ']');
    }

    void badVerb(int verb, Object arg) {
      erroring = true;
      buf.append("%!").appendCodePoint(verb).append('(');
      if (arg != null) {
        buf.append(typeName(arg)).append('=');
        if (arg instanceof GoBigInt b) {
          // While reporting an error fmt does not call Format, so it prints the struct behind the pointer.
          buf.append("&{").append(b.value().signum() < 0).append(" [");
          BigInteger mag = b.value().abs();
          boolean firstWord = true;
          while (mag.signum() > 0) {
            if (!firstWord) buf.append(' ');
            firstWord = false;
            buf.append(Long.toUnsignedString(mag.longValue()));
            mag = mag.shiftRight(64);
          }
          buf.append("]}");
        } else {
          printArg(arg, 'v');
        }
      } else {
        buf.append("<nil>");
      }
      buf.append(')');
      erroring = false;
    }

    // -- padding --

    void writePadding(int n) {
      if (n <= 0) return;
      char padChar = zero && !minus ? '0' : ' ';
      for (int i = 0; i < n; i++) buf.append(padChar);
    }

    void pad(String s) {
      if (!widPresent || wid == 0) {
        buf.append(s);
        return;
      }
      int width = wid - s.codePointCount(0, s.length());
      if (!minus) {
        writePadding(width);
        buf.append(s);
      } else {
        buf.append(s);
        writePadding(width);
      }
    }

    // -- integers --

    void fmtInteger(long v, int verb, Object arg) {
      switch (verb) {
        case 'v', 'd' -> integer(v, 10, true, verb, LDIGITS);
        case 'b' -> integer(v, 2, true, verb, LDIGITS);
        case 'o', 'O' -> integer(v, 8, true, verb, LDIGITS);
        case 'x' -> integer(v, 16, true, verb, LDIGITS);
        case 'X' -> integer(v, 16, true, verb, UDIGITS);
        case 'c' -> fmtC(v);
        case 'q' -> fmtQc(v);
        case 'U' -> fmtUnicode(v);
        default -> badVerb(verb, arg);
      }
    }

    /** fmt.fmtInteger over a 64-bit value; u is unsigned unless isSigned. */
    void integer(long u, int base, boolean isSigned, int verb, String digits) {
      boolean negative = isSigned && u < 0;
      long mag = negative ? -u : u;
      int precision = 0;
      if (precPresent) {
        precision = prec;
        if (precision == 0 && u == 0) {
          boolean oldZero = zero;
          zero = false;
          writePadding(wid);
          zero = oldZero;
          return;
        }
      } else if (zero && !minus && widPresent) {
        precision = wid;
        if (negative || plus || space) precision--;
      }
      String ds = Long.toUnsignedString(mag, base);
      if (digits == UDIGITS) ds = ds.toUpperCase(Locale.ROOT);
      integerDigits(ds, base, negative, verb, digits, precision);
    }

    /** Assembles [sign][prefix][zeros][digits] and pads it, as fmt.fmtInteger does. */
    void integerDigits(String ds, int base, boolean negative, int verb, String digits, int precision) {
      StringBuilder num = new StringBuilder();
      for (int k = ds.length(); k < precision; k++) num.append('0');
      num.append(ds);
      if (sharp) {
        switch (base) {
          case 2 -> num.insert(0, "0b");
          case 8 -> {
            if (num.charAt(0) != '0') num.insert(0, '0');
          }
          case 16 -> num.insert(0, digits.charAt(16)).insert(0, '0');
          default -> { }
        }
      }
      if (verb == 'O') num.insert(0, "0o");
      if (negative) {
        num.insert(0, '-');
      } else if (plus) {
        num.insert(0, '+');
      } else if (space) {
        num.insert(0, ' ');
      }
      boolean oldZero = zero;
      zero = false;
      pad(num.toString());
      zero = oldZero;
    }

    void fmtC(long c) {
      int r = runeOf(c);
      pad(new String(Character.toChars(r)));
    }

    void fmtQc(long c) {
      int r = runeOf(c);
      StringBuilder sb = new StringBuilder();
      quoteRune(sb, r, plus);
      pad(sb.toString());
    }

    /** A Unicode code point, or U+FFFD for values that are not valid runes (as utf8 encodes them). */
    static int runeOf(long c) {
      if (c < 0 || c > Character.MAX_CODE_POINT) return 0xFFFD;
      int r = (int) c;
      if (r >= 0xD800 && r <= 0xDFFF) return 0xFFFD;
      return r;
    }

    void fmtUnicode(long u) {
      int precision = 4;
      if (precPresent && prec > 4) precision = prec;
      StringBuilder sb = new StringBuilder("U+");
      String hex = Long.toUnsignedString(u, 16).toUpperCase(Locale.ROOT);
      for (int k = hex.length(); k < precision; k++) sb.append('0');
      sb.append(hex);
      if (sharp && u >= 0 && u <= Character.MAX_CODE_POINT && isPrint((int) u)) {
        sb.append(" '").appendCodePoint((int) u).append('\'');
      }
      boolean oldZero = zero;
      zero = false;
      pad(sb.toString());
      zero = oldZero;
    }

    // -- big integers (math/big's Int.Format) --

    void formatBigInt(BigInteger x, int verb) {
      // Format sees %+v and %#v as plain flags again.
      boolean savedPlus = plus;
      boolean savedSharp = sharp;
      if (plusV) plus = true;
      if (sharpV) sharp = true;
      try {
        formatBigIntWithFlags(x, verb);
      } finally {
        plus = savedPlus;
        sharp = savedSharp;
      }
    }

    private void formatBigIntWithFlags(BigInteger x, int verb) {
      int base;
      switch (verb) {
        case 'b' -> base = 2;
        case 'o', 'O' -> base = 8;
        case 'd', 's', 'v' -> base = 10;
        case 'x', 'X' -> base = 16;
        default -> {
          buf.append("%!").appendCodePoint(verb).append("(big.Int=").append(x).append(')');
          return;
        }
      }
      String sign = "";
      if (x.signum() < 0) {
        sign = "-";
      } else if (plus) {
        sign = "+";
      } else if (space) {
        sign = " ";
      }
      String prefix = "";
      if (sharp) {
        prefix = switch (verb) {
          case 'b' -> "0b";
          case 'o' -> "0";
          case 'x' -> "0x";
          case 'X' -> "0X";
          default -> "";
        };
      }
      if (verb == 'O') prefix = "0o";
      String digits = x.abs().toString(base);
      if (verb == 'X') digits = digits.toUpperCase(Locale.ROOT);
      int left = 0;
      int zeros = 0;
      int right = 0;
      if (precPresent) {
        if (digits.length() < prec) {
          zeros = prec - digits.length();
        } else if (digits.equals("0") && prec == 0) {
          return;
        }
      }
      int length = sign.length() + prefix.length() + zeros + digits.length();
      if (widPresent && length < wid) {
        int d = wid - length;
        if (minus) {
          right = d;
        } else if (zero && !precPresent) {
          zeros = d;
        } else {
          left = d;
        }
      }
      buf.append(" ".repeat(left)).append(sign).append(prefix).append("0".repeat(zeros))
          .append(digits).append(" ".repeat(right));
    }

    // -- floats --

    void fmtFloatVerb(double v, int verb, Object arg) {
      switch (verb) {
        case 'v' -> fmtFloat(v, 'g', -1);
        case 'b', 'g', 'G', 'x', 'X' -> fmtFloat(v, (char) verb, -1);
        case 'f', 'e', 'E', 'F' -> fmtFloat(v, (char) verb, 6);
        default -> badVerb(verb, arg);
      }
    }

    void fmtFloat(double v, char verb, int precision) {
      if (precPresent) precision = prec;
      String formatted = formatFloat(v, verb == 'F' ? 'f' : verb, precision);
      StringBuilder num = new StringBuilder();
      if (formatted.charAt(0) == '-' || formatted.charAt(0) == '+') {
        num.append(formatted);
      } else {
        num.append('+').append(formatted);
      }
      if (space && num.charAt(0) == '+' && !plus) num.setCharAt(0, ' ');
      if (num.charAt(1) == 'I' || num.charAt(1) == 'N') {
        boolean oldZero = zero;
        zero = false;
        if (num.charAt(1) == 'N' && !space && !plus) num.deleteCharAt(0);
        pad(num.toString());
        zero = oldZero;
        return;
      }
      if (sharp && verb != 'b') {
        int digits = 0;
        if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') {
          digits = precision;
          if (digits == -1) digits = 6;
        }
        String tail = "";
        boolean hasDecimalPoint = false;
        boolean sawNonzeroDigit = false;
        for (int i = 1; i < num.length(); i++) {
          char c = num.charAt(i);
          if (c == '.') {
            hasDecimalPoint = true;
          } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
            tail = num.substring(i);
            num.setLength(i);
            break;
          } else {
            if (c != '0') sawNonzeroDigit = true;
            if (sawNonzeroDigit) digits--;
          }
        }
        if (!hasDecimalPoint) {
          if (num.length() == 2 && num.charAt(1) == '0') digits--;
          num.append('.');
        }
        while (digits > 0) {
          num.append('0');
          digits--;
        }
        num.append(tail);
      }
      if (plus || num.charAt(0) != '+') {
        if (zero && !minus && widPresent && wid > num.length()) {
          buf.append(num.charAt(0));
          writePadding(wid - num.length());
          buf.append(num, 1, num.length());
          return;
        }
        pad(num.toString());
        return;
      }
      pad(num.substring(1));
    }

    // -- strings --

    void fmtString(String v, int verb) {
      fmtString(v, verb, GoString.of(v));
    }

    void fmtString(String v, int verb, Object arg) {
      switch (verb) {
        case 'v' -> {
          if (sharpV) {
            fmtQ(v);
          } else {
            fmtS(v);
          }
        }
        case 's' -> fmtS(v);
        case 'x' -> fmtSx(v, LDIGITS);
        case 'X' -> fmtSx(v, UDIGITS);
        case 'q' -> fmtQ(v);
        default -> badVerb(verb, arg);
      }
    }

    String truncate(String s) {
      if (precPresent) {
        int n = prec;
        for (int i = 0; i < s.length(); ) {
          n--;
          if (n < 0) return s.substring(0, i);
          i += Character.charCount(s.codePointAt(i));
        }
      }
      return s;
    }

    void fmtS(String s) {
      pad(truncate(s));
    }

    void fmtSx(String s, String digits) {
      byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int length = b.length;
      if (precPresent && prec < length) length = prec;
      int width = 2 * length;
      if (width > 0) {
        if (space) {
          if (sharp) width *= 2;
          width += length - 1;
        } else if (sharp) {
          width += 2;
        }
      } else {
        if (widPresent) writePadding(wid);
        return;
      }
      if (widPresent && wid > width && !minus) writePadding(wid - width);
      if (sharp) buf.append('0').append(digits.charAt(16));
      for (int i = 0; i < length; i++) {
        if (space && i > 0) {
          buf.append(' ');
          if (sharp) buf.append('0').append(digits.charAt(16));
        }
        int c = b[i] & 0xFF;
        buf.append(digits.charAt(c >> 4)).append(digits.charAt(c & 0xF));
      }
      if (widPresent && wid > width && minus) writePadding(wid - width);
    }

    void fmtQ(String s) {
      s = truncate(s);
      if (sharp && canBackquote(s)) {
        pad("`" + s + "`");
        return;
      }
      StringBuilder sb = new StringBuilder();
      quote(sb, s, '"', plus);
      pad(sb.toString());
    }
  }

  // ---- strconv -------------------------------------------------------------------------------

  /** strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
  static boolean isPrint(int cp) {
    if (cp < 0x20 || cp == 0x7f) return false;
    if (cp < 0x7f) return true;
    if (cp > Character.MAX_CODE_POINT) return false;
    return switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
      default -> false;
    };
  }

  /** strconv.Quote (or QuoteToASCII) with the given quote character. */
  static void quote(StringBuilder sb, String s, char quote, boolean asciiOnly) {
    sb.append(quote);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) cp = 0xFFFD;
      escapeRune(sb, cp, quote, asciiOnly);
    }
    sb.append(quote);
  }

  static void quoteRune(StringBuilder sb, int r, boolean asciiOnly) {
    sb.append('\'');
    escapeRune(sb, r, '\'', asciiOnly);
    sb.append('\'');
  }

  private static final String LOWER_HEX = "0123456789abcdef";

  private static void escapeRune(StringBuilder sb, int r, char quote, boolean asciiOnly) {
    if (r == quote || r == '\\') {
      sb.append('\\').appendCodePoint(r);
      return;
    }
    if (asciiOnly) {
      if (r < 0x80 && isPrint(r)) {
        sb.append((char) r);
        return;
      }
    } else if (isPrint(r)) {
      sb.appendCodePoint(r);
      return;
    }
    switch (r) {
      case 0x07 -> sb.append("\\a");
      case '\b' -> sb.append("\\b");
      case '\f' -> sb.append("\\f");
      case '\n' -> sb.append("\\n");
      case '\r' -> sb.append("\\r");
      case '\t' -> sb.append("\\t");
      case 0x0b -> sb.append("\\v");
      default -> {
        if (r < ' ' || r == 0x7f) {
          sb.append("\\x").append(LOWER_HEX.charAt(r >> 4)).append(LOWER_HEX.charAt(r & 0xF));
        } else if (r < 0x10000) {
          sb.append("\\u");
          for (int s = 12; s >= 0; s -= 4) sb.append(LOWER_HEX.charAt((r >> s) & 0xF));
        } else {
          sb.append("\\U");
          for (int s = 28; s >= 0; s -= 4) sb.append(LOWER_HEX.charAt((r >> s) & 0xF));
        }
      }
    }
  }

  static boolean canBackquote(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == 0xFEFF) return false;
      if (cp >= 0x80) continue;
      if ((cp < ' ' && cp != '\t') || cp == '`' || cp == 0x7F) return false;
    }
    return true;
  }

  /** Decimal digits of a float: digits d (no trailing zeros), decimal point position dp. */
  private record Digits(String d, int dp) {
    int nd() { return d.length(); }

    char at(int i) { return d.charAt(i); }

    static Digits of(BigDecimal x) {
      if (x.signum() == 0) return new Digits("", 0);
      BigDecimal s = x.stripTrailingZeros();
      String u = s.unscaledValue().abs().toString();
      return new Digits(u, u.length() - s.scale());
    }
  }

  /** strconv.FormatFloat(v, fmt, prec, 64). */
  static String formatFloat(double v, char fmt, int prec) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    boolean neg = (Double.doubleToRawLongBits(v) < 0);
    if (fmt == 'b') return fmtB(v, neg);
    if (fmt == 'x' || fmt == 'X') return fmtX(v, prec, fmt, neg);
    double abs = Math.abs(v);
    boolean shortest = prec < 0;
    Digits digs;
    if (shortest) {
      digs = shortestDigits(abs);
      switch (fmt) {
        case 'e', 'E' -> prec = Math.max(digs.nd() - 1, 0);
        case 'f' -> prec = Math.max(digs.nd() - digs.dp(), 0);
        default -> prec = digs.nd();
      }
    } else if (fmt == 'f') {
      digs = Digits.of(new BigDecimal(abs).setScale(prec, RoundingMode.HALF_EVEN));
    } else {
      int n = prec + 1;
      if (fmt == 'g' || fmt == 'G') {
        if (prec == 0) prec = 1;
        n = prec;
      }
      digs = abs == 0 ? new Digits("", 0)
          : Digits.of(new BigDecimal(abs).round(new MathContext(n, RoundingMode.HALF_EVEN)));
    }
    return formatDigits(shortest, neg, digs, prec, fmt);
  }

  /** The shortest decimal that reads back as v (and the closest such), as Go's Ryu prints it. */
  private static Digits shortestDigits(double v) {
    if (v == 0) return new Digits("", 0);
    Digits jdk = Digits.of(new BigDecimal(Double.toString(v)));
    if (jdk.nd() > 2) return jdk;
    // Java may print two digits where one digit already reads back; Go prints the single digit.
    BigDecimal exact = new BigDecimal(v);
    BigDecimal near = exact.round(new MathContext(1, RoundingMode.HALF_EVEN));
    if (near.doubleValue() == v) return Digits.of(near);
    BigDecimal ulp = near.ulp();
    BigDecimal other = near.compareTo(exact) > 0 ? near.subtract(ulp) : near.add(ulp);
    if (other.signum() > 0 && other.doubleValue() == v) return Digits.of(other);
    return jdk;
  }

  private static String formatDigits(boolean shortest, boolean neg, Digits digs, int prec, char fmt) {
    switch (fmt) {
      case 'e', 'E' -> {
        return fmtE(neg, digs, prec, fmt);
      }
      case 'f' -> {
        return fmtF(neg, digs, prec);
      }
      default -> {
        int eprec = prec;
        if (eprec > digs.nd() && digs.nd() >= digs.dp()) eprec = digs.nd();
        if (shortest) eprec = 6;
        int exp = digs.dp() - 1;
        if (exp < -4 || exp >= eprec) {
          if (prec > digs.nd()) prec = digs.nd();
          return fmtE(neg, digs, prec - 1, fmt == 'g' ? 'e' : 'E');
        }
        if (prec > digs.dp()) prec = digs.nd();
        return fmtF(neg, digs, Math.max(prec - digs.dp(), 0));
      }
    }
  }

  private static String fmtE(boolean neg, Digits d, int prec, char fmt) {
    StringBuilder sb = new StringBuilder();
    if (neg) sb.append('-');
    sb.append(d.nd() != 0 ? d.at(0) : '0');
    if (prec > 0) {
      sb.append('.');
      int i = 1;
      int m = Math.min(d.nd(), prec + 1);
      if (i < m) {
        sb.append(d.d(), i, m);
        i = m;
      }
      for (; i <= prec; i++) sb.append('0');
    }
    sb.append(fmt);
    int exp = d.nd() == 0 ? 0 : d.dp() - 1;
    if (exp < 0) {
      sb.append('-');
      exp = -exp;
    } else {
      sb.append('+');
    }
    if (exp < 10) sb.append('0');
    sb.append(exp);
    return sb.toString();
  }

  private static String fmtF(boolean neg, Digits d, int prec) {
    StringBuilder sb = new StringBuilder();
    if (neg) sb.append('-');
    if (d.dp() > 0) {
      int m = Math.min(d.nd(), d.dp());
      sb.append(d.d(), 0, m);
      for (; m < d.dp(); m++) sb.append('0');
    } else {
      sb.append('0');
    }
    if (prec > 0) {
      sb.append('.');
      for (int i = 1; i <= prec; i++) {
        int j = d.dp() + i - 1;
        sb.append(j >= 0 && j < d.nd() ? d.at(j) : '0');
      }
    }
    return sb.toString();
  }

  private static final int MANT_BITS = 52;
  private static final int EXP_BIAS = -1023;

  /** %b: decimal mantissa and binary exponent, as in -4503599627370496p-52. */
  private static String fmtB(double v, boolean neg) {
    long bits = Double.doubleToRawLongBits(v);
    int exp = (int) (bits >>> MANT_BITS) & 0x7FF;
    long mant = bits & ((1L << MANT_BITS) - 1);
    if (exp == 0) {
      exp++;
    } else {
      mant |= 1L << MANT_BITS;
    }
    exp += EXP_BIAS - MANT_BITS;
    StringBuilder sb = new StringBuilder();
    if (neg) sb.append('-');
    sb.append(mant).append('p');
    if (exp >= 0) sb.append('+');
    sb.append(exp);
    return sb.toString();
  }

  /** %x: hexadecimal mantissa and binary exponent, as in 0x1.8p+01. */
  private static String fmtX(double v, int prec, char fmt, boolean neg) {
    long bits = Double.doubleToRawLongBits(v);
    int exp = (int) (bits >>> MANT_BITS) & 0x7FF;
    long mant = bits & ((1L << MANT_BITS) - 1);
    if (exp == 0) {
      exp++;
    } else {
      mant |= 1L << MANT_BITS;
    }
    exp += EXP_BIAS;
    if (mant == 0) exp = 0;
    mant <<= 60 - MANT_BITS;
    while (mant != 0 && (mant & (1L << 60)) == 0) {
      mant <<= 1;
      exp--;
    }
    if (prec >= 0 && prec < 15) {
      int shift = prec * 4;
      long extra = (mant << shift) & ((1L << 60) - 1);
      mant >>>= 60 - shift;
      if ((extra | (mant & 1)) > (1L << 59)) mant++;
      mant <<= 60 - shift;
      if ((mant & (1L << 61)) != 0) {
        mant >>>= 1;
        exp++;
      }
    }
    String hex = fmt == 'X' ? "0123456789ABCDEF" : LOWER_HEX;
    StringBuilder sb = new StringBuilder();
    if (neg) sb.append('-');
    sb.append('0').append(fmt).append((char) ('0' + ((mant >>> 60) & 1)));
    mant <<= 4;
    if (prec < 0 && mant != 0) {
      sb.append('.');
      while (mant != 0) {
        sb.append(hex.charAt((int) ((mant >>> 60) & 15)));
        mant <<= 4;
      }
    } else if (prec > 0) {
      sb.append('.');
      for (int i = 0; i < prec; i++) {
        sb.append(hex.charAt((int) ((mant >>> 60) & 15)));
        mant <<= 4;
      }
    }
    sb.append(fmt == 'X' ? 'P' : 'p');
    if (exp < 0) {
      sb.append('-');
      exp = -exp;
    } else {
      sb.append('+');
    }
    if (exp < 10) sb.append('0');
    sb.append(exp);
    return sb.toString();
  }
}
