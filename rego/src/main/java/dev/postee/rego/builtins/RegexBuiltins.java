package dev.postee.rego.builtins;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Regular expression builtins. Patterns are RE2 (re2j implements Go's regexp syntax and error
 * texts); the find/split/replace loops reproduce Go's handling of empty matches and Go's
 * {@code $1}/{@code ${name}} replacement templates. Compiled patterns are kept in a bounded cache
 * shared by all evaluations.
 */
public final class RegexBuiltins implements BuiltinRegistrar {

  private static final CompiledCache<Pattern> PATTERNS = new CompiledCache<>(1024);
  private static final CompiledCache<Pattern> TEMPLATES = new CompiledCache<>(256);

  @Override
  public void register(BuiltinRegistry r) {
    BuiltinFunction match = (ctx, a) -> {
      String pattern = Args.string(a, 0);
      String s = Args.string(a, 1);
      return BooleanValue.of(compile(pattern).matcher(s).find());
    };
    r.function("regex.match", match);
    r.function("re_match", match);
    r.functionCheckingOwnOperands("regex.is_valid", (ctx, a) -> BooleanValue.of(a[0] instanceof StringValue s && isValid(s.value())));
    r.function("regex.split", (ctx, a) -> {
      String pattern = Args.string(a, 0);
      String s = Args.string(a, 1);
      return strings(split(compile(pattern), s));
    });
    r.function("regex.find_n", (ctx, a) -> {
      String pattern = Args.string(a, 0);
      String s = Args.string(a, 1);
      long n = StringBuiltins.intOperand(a, 2);
      List<Value> found = new ArrayList<>();
      allMatches(compile(pattern), s, n, m -> found.add(StringValue.of(s.substring(m.start(), m.end()))));
      return ArrayValue.of(found);
    });
    r.function("regex.find_all_string_submatch_n", (ctx, a) -> {
      String pattern = Args.string(a, 0);
      String s = Args.string(a, 1);
      long n = StringBuiltins.intOperand(a, 2);
      List<Value> found = new ArrayList<>();
      allMatches(compile(pattern), s, n, m -> {
        Value[] groups = new Value[m.groupCount() + 1];
        for (int g = 0; g < groups.length; g++) {
          String group = m.group(g);
          groups[g] = StringValue.of(group == null ? "" : group);
        }
        found.add(ArrayValue.wrap(groups));
      });
      return ArrayValue.of(found);
    });
    r.function("regex.replace", (ctx, a) -> {
      String base = Args.string(a, 0);
      String pattern = Args.string(a, 1);
      String replacement = Args.string(a, 2);
      String replaced = replaceAll(compile(pattern), base, replacement);
      return replaced.equals(base) ? a[0] : StringValue.of(replaced);
    });
    r.function("regex.template_match", (ctx, a) -> {
      String template = Args.string(a, 0);
      String s = Args.string(a, 1);
      String start = Args.string(a, 2);
      String end = Args.string(a, 3);
      int startLength = start.getBytes(StandardCharsets.UTF_8).length;
      if (startLength != 1) {
        throw BuiltinException.error(
            "start delimiter has to be exactly one character long but is " + startLength + " long");
      }
      if (end.getBytes(StandardCharsets.UTF_8).length != 1) {
        // OPA reports the start delimiter's length here.
        throw BuiltinException.error(
            "end delimiter has to be exactly one character long but is " + startLength + " long");
      }
      Pattern p = TEMPLATES.get(start + end + template, k -> compileTemplate(template, start.charAt(0), end.charAt(0)));
      return BooleanValue.of(p.matcher(s).find());
    });
    r.function("regex.globs_match", (ctx, a) ->
        BooleanValue.of(GlobIntersection.nonEmpty(Args.string(a, 0), Args.string(a, 1))));
  }

  // ---- compiling -----------------------------------------------------------------------------

  static Pattern compile(String pattern) {
    return PATTERNS.get(pattern, RegexBuiltins::compileUncached);
  }

  private static Pattern compileUncached(String pattern) {
    try {
      return Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  private static boolean isValid(String pattern) {
    try {
      compile(pattern);
      return true;
    } catch (BuiltinException e) {
      return false;
    }
  }

  /**
   * Gorilla mux's route templates as OPA uses them: text outside the delimiters is literal, each
   * delimited part is a regular expression, and the whole must match the entire string.
   */
  private static Pattern compileTemplate(String template, char start, char end) {
    List<Integer> idxs = new ArrayList<>();
    int level = 0;
    int idx = 0;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == start) {
        if (++level == 1) idx = i;
      } else if (c == end) {
        if (--level == 0) {
          idxs.add(idx);
          idxs.add(i + 1);
        } else if (level < 0) {
          throw unbalanced(template);
        }
      }
    }
    if (level != 0) throw unbalanced(template);
    StringBuilder pattern = new StringBuilder("^");
    int last = 0;
    for (int i = 0; i < idxs.size(); i += 2) {
      String raw = template.substring(last, idxs.get(i));
      last = idxs.get(i + 1);
      String part = template.substring(idxs.get(i) + 1, last - 1);
      pattern.append(quoteMeta(raw)).append('(').append(part).append(')');
      compileUncached("^" + part + "$");
    }
    pattern.append(quoteMeta(template.substring(last))).append('$');
    return compileUncached(pattern.toString());
  }

  private static BuiltinException unbalanced(String template) {
    return BuiltinException.error("unbalanced braces in " + GoTextTemplate.goQuote(template));
  }

  /** Go's regexp.QuoteMeta. */
  static String quoteMeta(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) sb.append('\\');
      sb.append(c);
    }
    return sb.toString();
  }

  // ---- Go's match loops ----------------------------------------------------------------------

  /**
   * Go's allMatches: successive non-overlapping matches, at most n (all when n &lt; 0); an empty
   * match right after the previous match is skipped.
   */
  static void allMatches(Pattern p, String s, long n, Consumer<Matcher> deliver) {
    long limit = n < 0 ? s.length() + 1L : n;
    int end = s.length();
    Matcher m = p.matcher(s);
    int pos = 0;
    int prevMatchEnd = -1;
    for (long i = 0; i < limit && pos <= end; ) {
      if (!m.find(pos)) break;
      boolean accept = true;
      if (m.end() == pos) {
        if (m.start() == prevMatchEnd) accept = false;
        pos = pos < end ? pos + Character.charCount(s.codePointAt(pos)) : end + 1;
      } else {
        pos = m.end();
      }
      prevMatchEnd = m.end();
      if (accept) {
        deliver.accept(m);
        i++;
      }
    }
  }

  /** Go's Regexp.Split(s, -1). */
  static List<String> split(Pattern p, String s) {
    List<String> out = new ArrayList<>();
    if (!p.pattern().isEmpty() && s.isEmpty()) {
      out.add("");
      return out;
    }
    int[] begEnd = {0, 0};
    allMatches(p, s, -1, m -> {
      begEnd[1] = m.start();
      if (m.end() != 0) out.add(s.substring(begEnd[0], begEnd[1]));
      begEnd[0] = m.end();
    });
    if (begEnd[1] != s.length()) out.add(s.substring(begEnd[0]));
    return out;
  }

  /** Go's Regexp.ReplaceAllString, including its template expansion. */
  static String replaceAll(Pattern p, String src, String template) {
    StringBuilder buf = new StringBuilder(src.length());
    Matcher m = p.matcher(src);
    Map<String, Integer> names = p.namedGroups();
    int end = src.length();
    int lastMatchEnd = 0;
    int searchPos = 0;
    while (searchPos <= end) {
      if (!m.find(searchPos)) break;
      int a0 = m.start();
      int a1 = m.end();
      buf.append(src, lastMatchEnd, a0);
      // No replacement for an empty match right after another match.
      if (a1 > lastMatchEnd || a0 == 0) expand(buf, template, m, names);
      lastMatchEnd = a1;
      int width = searchPos < end ? Character.charCount(src.codePointAt(searchPos)) : 0;
      if (searchPos + width > a1) {
        searchPos += width;
      } else if (searchPos + 1 > a1) {
        searchPos++;
      } else {
        searchPos = a1;
      }
    }
    buf.append(src, lastMatchEnd, end);
    return buf.toString();
  }

  /** Go's Regexp.Expand: $$, $n, ${n}, $name, ${name}; a name is the longest run of word characters. */
  private static void expand(StringBuilder dst, String template, Matcher m, Map<String, Integer> names) {
    int i = 0;
    while (i < template.length()) {
      int dollar = template.indexOf('$', i);
      if (dollar < 0) break;
      dst.append(template, i, dollar);
      i = dollar + 1;
      if (i < template.length() && template.charAt(i) == '$') {
        dst.append('$');
        i++;
        continue;
      }
      boolean brace = i < template.length() && template.charAt(i) == '{';
      int nameStart = brace ? i + 1 : i;
      int j = nameStart;
      while (j < template.length()) {
        int cp = template.codePointAt(j);
        if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') break;
        j += Character.charCount(cp);
      }
      if (j == nameStart || (brace && (j >= template.length() || template.charAt(j) != '}'))) {
        dst.append('$'); // malformed: the $ is literal text
        continue;
      }
      String name = template.substring(nameStart, j);
      i = brace ? j + 1 : j;
      int group = groupNumber(name);
      if (group < 0) {
        Integer named = names.get(name);
        group = named == null ? -1 : named;
      }
      if (group >= 0 && group <= m.groupCount()) {
        String text = m.group(group);
        if (text != null) dst.append(text);
      }
    }
    dst.append(template, i, template.length());
  }

  /** A group number as Go reads it: ASCII digits, no leading zero, below 1e8; otherwise -1. */
  private static int groupNumber(String name) {
    if (name.length() > 1 && name.charAt(0) == '0') return -1;
    int num = 0;
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c < '0' || c > '9' || num >= 100_000_000) return -1;
      num = num * 10 + (c - '0');
    }
    return num;
  }

  private static ArrayValue strings(List<String> parts) {
    Value[] out = new Value[parts.size()];
    for (int i = 0; i < out.length; i++) out[i] = StringValue.of(parts.get(i));
    return ArrayValue.wrap(out);
  }

  // ---- bounded cache -------------------------------------------------------------------------

  /** A thread-safe cache of compiled patterns; an arbitrary entry makes room once it is full. */
  static final class CompiledCache<V> {
    private final ConcurrentHashMap<String, V> map = new ConcurrentHashMap<>();
    private final int capacity;

    CompiledCache(int capacity) { this.capacity = capacity; }

    V get(String key, Function<String, V> compile) {
      V v = map.get(key);
      if (v != null) return v;
      v = compile.apply(key);
      if (map.size() >= capacity) {
        Iterator<String> it = map.keySet().iterator();
        if (it.hasNext()) {
          it.next();
          it.remove();
        }
      }
      map.put(key, v);
      return v;
    }
  }

  // ---- regex.globs_match ---------------------------------------------------------------------

  /**
   * A port of github.com/yashtewari/glob-intersection (v0.2.0), which OPA uses for
   * regex.globs_match: globs of characters, '.' (any character) and [sets] with ranges, each
   * optionally followed by '*' or '+'; '\' escapes. The algorithm (and its answers) are the
   * library's.
   */
  static final class GlobIntersection {
    private GlobIntersection() {}

    private static final int CHARACTER = 0;
    private static final int DOT = 1;
    private static final int SET = 2;
    private static final int NONE = 0;
    private static final int PLUS = 1;
    private static final int STAR = 2;

    private static final class Token {
      final int type;
      int flag;
      final int rune;
      final Set<Integer> runes;

      Token(int type, int rune, Set<Integer> runes) {
        this.type = type;
        this.rune = rune;
        this.runes = runes;
      }

      boolean sameContent(Token o) {
        if (type != o.type) return false;
        return switch (type) {
          case CHARACTER -> rune == o.rune;
          case DOT -> true;
          default -> runes.equals(o.runes);
        };
      }
    }

    static boolean nonEmpty(String lhs, String rhs) {
      List<Token> g1 = newGlob(lhs);
      List<Token> g2 = newGlob(rhs);
      // Trim matching unflagged prefixes and suffixes, keeping one token on each side.
      int l = 0;
      for (; l < g1.size() && l < g2.size() && g1.get(l).flag == NONE && g2.get(l).flag == NONE; l++) {
        if (!match(g1.get(l), g2.get(l))) return false;
      }
      if (l > 0) l--;
      int r1 = g1.size() - 1;
      int r2 = g2.size() - 1;
      for (; r1 >= 0 && r1 >= l && r2 >= 0 && r2 >= l && g1.get(r1).flag == NONE && g2.get(r2).flag == NONE;
          r1--, r2--) {
        if (!match(g1.get(r1), g2.get(r2))) return false;
      }
      if (r1 < g1.size() - 1) {
        r1++;
        r2++;
      }
      return intersectNormal(slice(g1, l, r1 + 1), slice(g2, l, r2 + 1));
    }

    private static List<Token> slice(List<Token> g, int from, int to) {
      return g.subList(Math.min(from, g.size()), Math.max(Math.min(to, g.size()), Math.min(from, g.size())));
    }

    private static boolean intersectNormal(List<Token> g1, List<Token> g2) {
      int i = 0;
      int j = 0;
      for (; i < g1.size() && j < g2.size(); i++, j++) {
        if (g1.get(i).flag == NONE && g2.get(j).flag == NONE) {
          if (!match(g1.get(i), g2.get(j))) return false;
        } else {
          return intersectSpecial(g1.subList(i, g1.size()), g2.subList(j, g2.size()));
        }
      }
      return i == g1.size() && j == g2.size();
    }

    private static boolean intersectSpecial(List<Token> g1, List<Token> g2) {
      if (g1.get(0).flag != NONE) {
        return g1.get(0).flag == PLUS ? intersectPlus(g1, g2) : intersectStar(g1, g2);
      }
      return g2.get(0).flag == PLUS ? intersectPlus(g2, g1) : intersectStar(g2, g1);
    }

    private static boolean intersectPlus(List<Token> plussed, List<Token> other) {
      if (!match(plussed.get(0), other.get(0))) return false;
      if (intersectStar(plussed, other.subList(1, other.size()))) return true;
      return other.get(0).flag != NONE && intersectNormal(plussed.subList(1, plussed.size()), other);
    }

    private static boolean intersectStar(List<Token> starred, List<Token> other) {
      Token star = starred.get(0);
      Token nextToken = starred.size() > 1 ? starred.get(1) : null;
      for (int i = 0; i < other.size(); i++) {
        Token t = other.get(i);
        if (nextToken != null && match(t, nextToken)) {
          if (intersectNormal(starred.subList(1, starred.size()), other.subList(i, other.size()))) return true;
          if (!match(t, star)) return false;
        } else if (!match(t, star)) {
          return false;
        }
      }
      return nextToken == null;
    }

    private static boolean match(Token t1, Token t2) {
      if (t1.type > t2.type) {
        Token tmp = t1;
        t1 = t2;
        t2 = tmp;
      }
      if (t1.type == CHARACTER) {
        return switch (t2.type) {
          case CHARACTER -> t1.rune == t2.rune;
          case DOT -> true;
          default -> t2.runes.contains(t1.rune);
        };
      }
      if (t1.type == DOT) return true;
      for (int r : t1.runes) {
        if (t2.runes.contains(r)) return true;
      }
      return false;
    }

    // -- tokenizing --

    private static List<Token> newGlob(String input) {
      int[] runes = input.codePoints().toArray();
      List<Token> tokens = new ArrayList<>();
      int[] pos = {0};
      while (pos[0] < runes.length) tokens.add(nextToken(pos, runes, input));
      return simplify(tokens);
    }

    /** Merges runs of equal flagged tokens: t*t* is t*, and t+t* or t*t+ is t+. */
    private static List<Token> simplify(List<Token> tokens) {
      List<Token> simple = new ArrayList<>();
      Token latest = null;
      for (Token t : tokens) {
        if (latest != null && t.flag != NONE && latest.flag != NONE && t.sameContent(latest)) {
          Token last = simple.get(simple.size() - 1);
          last.flag = t.flag == PLUS || latest.flag == PLUS ? PLUS : STAR;
          continue;
        }
        latest = t;
        simple.add(t);
      }
      return simple;
    }

    /** A rune with its escape state; index[0] advances past it. */
    private record Rune(int value, boolean escaped) {}

    private static Rune nextRune(int[] index, int[] input, String text) {
      int i = index[0];
      if (input[i] == '\\') {
        if (i == input.length - 1) throw invalid(text, i, "input ends with a \\ (escape) character");
        index[0] = i + 2;
        return new Rune(input[i + 1], true);
      }
      index[0] = i + 1;
      return new Rune(input[i], false);
    }

    private static Token nextToken(int[] index, int[] input, String text) {
      Rune r = nextRune(index, input, text);
      Token token;
      if (!r.escaped() && r.value() == '.') {
        token = new Token(DOT, 0, null);
      } else if (!r.escaped() && r.value() == ']') {
        throw invalid(text, index[0], "set-close ']' with no preceding '['");
      } else if (!r.escaped() && r.value() == '[') {
        token = nextTokenSet(index, input, text);
      } else if (!r.escaped() && (r.value() == '+' || r.value() == '*')) {
        throw invalid(text, index[0], "flag '" + new String(Character.toChars(r.value())) + "' must be preceded by a non-flag");
      } else {
        token = new Token(CHARACTER, r.value(), null);
      }
      if (index[0] < input.length) {
        int mark = index[0];
        Rune f = nextRune(index, input, text);
        if (!f.escaped() && f.value() == '+') {
          token.flag = PLUS;
        } else if (!f.escaped() && f.value() == '*') {
          token.flag = STAR;
        } else {
          index[0] = mark;
        }
      }
      return token;
    }

    private static Token nextTokenSet(int[] index, int[] input, String text) {
      Set<Integer> runes = new HashSet<>();
      int prev = 0;
      boolean prevExists = false;
      while (index[0] < input.length) {
        Rune r = nextRune(index, input, text);
        if (r.escaped()) {
          runes.add(r.value());
          prev = r.value();
          prevExists = true;
          continue;
        }
        if (r.value() == ']') return new Token(SET, 0, runes);
        if (r.value() == '-') {
          if (!prevExists) {
            throw invalid(text, index[0], "range character '-' must be preceded by a Unicode character");
          }
          if (index[0] >= input.length - 1) {
            throw invalid(text, index[0], "range character '-' must be followed by a Unicode character");
          }
          Rune hi = nextRune(index, input, text);
          if (!hi.escaped() && (hi.value() == ']' || hi.value() == '-')) {
            throw invalid(text, index[0], "range character '-' cannot be followed by a special symbol");
          }
          if (hi.value() < prev) {
            throw invalid(text, index[0], "range is out of order: '" + new String(Character.toChars(hi.value()))
                + "' comes before '" + new String(Character.toChars(prev)) + "' in Unicode");
          }
          for (int x = prev; x <= hi.value(); x++) runes.add(x);
          prevExists = false;
          continue;
        }
        runes.add(r.value());
        prev = r.value();
        prevExists = true;
      }
      throw invalid(text, index[0], "found [ without matching ]");
    }

    private static BuiltinException invalid(String input, int pos, String message) {
      return BuiltinException.error(
          "input:" + input + ", pos:" + pos + ", " + message + ": the input provided is invalid");
    }
  }
}
