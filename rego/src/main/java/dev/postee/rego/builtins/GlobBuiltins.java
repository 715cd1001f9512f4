package dev.postee.rego.builtins;

import com.google.re2j.Pattern;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Glob builtins with the syntax and semantics of github.com/gobwas/glob, which OPA uses: '*' matches
 * any run of characters except the delimiters, '**' any run at all, '?' one non-delimiter character,
 * [abc] / [a-z] one character (negated with '!'), {a,b} alternatives, '\' escapes. A glob is
 * translated once into an equivalent RE2 pattern and cached.
 */
public final class GlobBuiltins implements BuiltinRegistrar {

  private static final RegexBuiltins.CompiledCache<Pattern> GLOBS = new RegexBuiltins.CompiledCache<>(1024);
  private static final String SPECIALS = "*?\\[]{}";

  @Override
  public void register(BuiltinRegistry r) {
    r.function("glob.match", (ctx, a) -> {
      String pattern = Args.string(a, 0);
      List<Integer> delimiters = delimiters(a[1]);
      String match = Args.string(a, 2);
      StringBuilder key = new StringBuilder(pattern).append('\u0000');
      for (int d : delimiters) key.appendCodePoint(d);
      Pattern p = GLOBS.get(key.toString(), k -> RegexBuiltins.compile(toRegex(pattern, delimiters)));
      return BooleanValue.of(p.matcher(match).matches());
    });
    r.function("glob.quote_meta", (ctx, a) -> StringValue.of(quoteMeta(Args.string(a, 0))));
  }

  /** null means no delimiters; an empty array means the default delimiter '.'. */
  private static List<Integer> delimiters(Value v) {
    if (v instanceof NullValue) return List.of();
    if (!(v instanceof ArrayValue arr)) {
      throw BuiltinException.typeError("operand 2 must be one of {array, null} but got " + v.typeName());
    }
    if (arr.isEmpty()) return List.of((int) '.');
    List<Integer> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      if (!(arr.get(i) instanceof StringValue s)) throw StringBuiltins.elementError(2, v, arr.get(i), "string");
      if (s.codePointLength() != 1) throw StringBuiltins.elementError(2, v, arr.get(i), "rune");
      out.add(s.value().codePointAt(0));
    }
    return out;
  }

  static String quoteMeta(String s) {
    StringBuilder sb = new StringBuilder(s.length() * 2);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (SPECIALS.indexOf(c) >= 0) sb.append('\\');
      sb.append(c);
    }
    return sb.toString();
  }

  // ---- gobwas/glob syntax --------------------------------------------------------------------

  /** Translates a glob to an anchored-by-use RE2 pattern, failing where gobwas' parser fails. */
  static String toRegex(String glob, List<Integer> delimiters) {
    String notDelimiter;
    if (delimiters.isEmpty()) {
      notDelimiter = "(?s:.)";
    } else {
      StringBuilder sb = new StringBuilder("[^");
      for (int d : delimiters) appendLiteral(sb, d);
      notDelimiter = sb.append(']').toString();
    }
    return new GlobParser(glob, notDelimiter).parse();
  }

  private static void appendLiteral(StringBuilder sb, int cp) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
      sb.append((char) cp);
    } else {
      sb.append("\\x{").append(Integer.toHexString(cp)).append('}');
    }
  }

  /**
   * gobwas' lexer and parser fused: text runs end at the special characters, ',' and '}' are only
   * special inside {...}, a range is [lo-hi] or a list of characters, optionally negated with '!'.
   */
  private static final class GlobParser {
    private final int[] in;
    private final String notDelimiter;
    private int pos;
    private int termsLevel;

    GlobParser(String glob, String notDelimiter) {
      this.in = glob.codePoints().toArray();
      this.notDelimiter = notDelimiter;
    }

    String parse() {
      StringBuilder out = new StringBuilder();
      // Each open {...} keeps a list of alternatives; the innermost is at the end.
      List<List<StringBuilder>> terms = new ArrayList<>();
      StringBuilder current = out;
      while (pos < in.length) {
        int r = in[pos];
        if (r == '{') {
          pos++;
          termsLevel++;
          List<StringBuilder> alternatives = new ArrayList<>();
          alternatives.add(new StringBuilder());
          terms.add(alternatives);
          current = alternatives.get(0);
        } else if (r == ',' && termsLevel > 0) {
          pos++;
          List<StringBuilder> alternatives = terms.get(terms.size() - 1);
          alternatives.add(new StringBuilder());
          current = alternatives.get(alternatives.size() - 1);
        } else if (r == '}' && termsLevel > 0) {
          pos++;
          termsLevel--;
          List<StringBuilder> closed = terms.remove(terms.size() - 1);
          current = terms.isEmpty() ? out : last(terms.get(terms.size() - 1));
          appendAlternatives(current, closed);
        } else if (r == '[') {
          pos++;
          range(current);
        } else if (r == '?') {
          pos++;
          current.append(notDelimiter);
        } else if (r == '*') {
          pos++;
          if (pos < in.length && in[pos] == '*') {
            pos++;
            current.append("(?s:.*)");
          } else {
            current.append(notDelimiter).append('*');
          }
        } else {
          text(current, termsLevel > 0 ? "?*[{},".toCharArray() : "?*[{".toCharArray());
        }
      }
      // An unclosed {...} is closed at the end, as gobwas' parser leaves it.
      while (!terms.isEmpty()) {
        List<StringBuilder> closed = terms.remove(terms.size() - 1);
        appendAlternatives(terms.isEmpty() ? out : last(terms.get(terms.size() - 1)), closed);
      }
      return out.toString();
    }

    private static StringBuilder last(List<StringBuilder> alternatives) {
      return alternatives.get(alternatives.size() - 1);
    }

    private static void appendAlternatives(StringBuilder to, List<StringBuilder> alternatives) {
      to.append("(?:");
      for (int i = 0; i < alternatives.size(); i++) {
        if (i > 0) to.append('|');
        to.append(alternatives.get(i));
      }
      to.append(')');
    }

    /** A run of literal text up to a breaker; '\' escapes the next character (or vanishes at the end). */
    private void text(StringBuilder out, char[] breakers) {
      boolean escaped = false;
      while (pos < in.length) {
        int r = in[pos];
        if (!escaped) {
          if (r == '\\') {
            escaped = true;
            pos++;
            continue;
          }
          if (isBreaker(r, breakers)) return;
        }
        escaped = false;
        appendLiteral(out, r);
        pos++;
      }
    }

    /** Collects literal text up to a breaker, for lists inside [...]. */
    private List<Integer> textRunes(char[] breakers) {
      List<Integer> runes = new ArrayList<>();
      boolean escaped = false;
      while (pos < in.length) {
        int r = in[pos];
        if (!escaped) {
          if (r == '\\') {
            escaped = true;
            pos++;
            continue;
          }
          if (isBreaker(r, breakers)) break;
        }
        escaped = false;
        runes.add(r);
        pos++;
      }
      return runes;
    }

    private static boolean isBreaker(int r, char[] breakers) {
      for (char b : breakers) {
        if (r == b) return true;
      }
      return false;
    }

    private void range(StringBuilder out) {
      boolean not = false;
      int lo = 0;
      int hi = 0;
      List<Integer> chars = List.of();
      boolean wantHi = false;
      boolean wantClose = false;
      while (true) {
        if (pos >= in.length) throw BuiltinException.error("unexpected end of input");
        int r = in[pos++];
        if (wantClose) {
          if (r != ']') throw BuiltinException.error("expected close range character");
          break;
        }
        if (wantHi) {
          hi = r;
          wantClose = true;
          continue;
        }
        if (!not && r == '!') {
          not = true;
          continue;
        }
        if (pos < in.length && in[pos] == '-') {
          pos++;
          lo = r;
          wantHi = true;
          continue;
        }
        pos--;
        chars = textRunes(new char[] {']'});
        wantClose = true;
      }
      // gobwas lexes the whole range before parsing it, so lexing errors above come first.
      if (hi != 0 && hi < lo) {
        throw BuiltinException.error("hi character '" + new String(Character.toChars(hi))
            + "' should be greater than lo '" + new String(Character.toChars(lo)) + "'");
      }
      boolean isRange = lo != 0 && hi != 0;
      if (isRange == !chars.isEmpty()) throw BuiltinException.error("could not parse range");
      out.append(not ? "[^" : "[");
      if (isRange) {
        appendLiteral(out, lo);
        out.append('-');
        appendLiteral(out, hi);
      } else {
        for (int c : chars) appendLiteral(out, c);
      }
      out.append(']');
    }
  }
}
