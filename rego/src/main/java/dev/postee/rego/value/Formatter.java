package dev.postee.rego.value;

/** OPA's textual form of values (ast.Term.String): used by sprintf %v, print and error messages. */
public final class Formatter {
  private Formatter() {}

  public static String rego(Value v) {
    StringBuilder sb = new StringBuilder();
    append(sb, v);
    return sb.toString();
  }

  public static void append(StringBuilder sb, Value v) {
    switch (v) {
      case NullValue n -> sb.append("null");
      case BooleanValue b -> sb.append(b.value());
      case NumberValue n -> sb.append(n);
      case StringValue s -> goQuote(sb, s.value());
      case ArrayValue a -> {
        sb.append('[');
        for (int i = 0; i < a.size(); i++) {
          if (i > 0) sb.append(", ");
          append(sb, a.get(i));
        }
        sb.append(']');
      }
      case ObjectValue o -> {
        sb.append('{');
        for (int i = 0; i < o.size(); i++) {
          if (i > 0) sb.append(", ");
          append(sb, o.keyAt(i));
          sb.append(": ");
          append(sb, o.valueAt(i));
        }
        sb.append('}');
      }
      case SetValue s -> {
        if (s.isEmpty()) {
          sb.append("set()");
          return;
        }
        sb.append('{');
        for (int i = 0; i < s.size(); i++) {
          if (i > 0) sb.append(", ");
          append(sb, s.get(i));
        }
        sb.append('}');
      }
    }
  }

  /** Go's strconv.Quote: printable characters kept, others escaped. */
  public static void goQuote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case 0x07 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case 0x0b -> sb.append("\\v");
        default -> {
          if (isGoPrintable(cp)) {
            sb.appendCodePoint(cp);
          } else if (cp < 0x80) {
            sb.append(String.format("\\x%02x", cp));
          } else if (cp < 0x10000) {
            sb.append(String.format("\\u%04x", cp));
          } else {
            sb.append(String.format("\\U%08x", cp));
          }
        }
      }
    }
    sb.append('"');
  }

  public static String goQuote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    goQuote(sb, s);
    return sb.toString();
  }

  private static boolean isGoPrintable(int cp) {
    if (cp < 0x20 || cp == 0x7f) return false;
    if (cp < 0x7f) return true;
    if (Character.isSurrogate((char) Math.min(cp, 0xFFFF)) && cp <= 0xFFFF) return false;
    int type = Character.getType(cp);
    return switch (type) {
      case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
          Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
      case Character.SPACE_SEPARATOR -> cp == 0x20;
      default -> true;
    };
  }
}
