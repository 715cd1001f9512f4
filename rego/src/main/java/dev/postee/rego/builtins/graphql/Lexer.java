package dev.postee.rego.builtins.graphql;

import dev.postee.rego.value.Formatter;
import java.nio.charset.StandardCharsets;

/**
 * GraphQL tokenizer following gqlparser's lexer: it works on the UTF-8 bytes of the source,
 * counts columns in code points, skips comments, and reports problems as {@link Kind#INVALID}
 * tokens carrying an error (the parser decides whether that error surfaces).
 */
final class Lexer {

  enum Kind {
    INVALID("<Invalid>"), EOF("<EOF>"), BANG("!"), DOLLAR("$"), AMP("&"), PAREN_L("("),
    PAREN_R(")"), SPREAD("..."), COLON(":"), EQUALS("="), AT("@"), BRACKET_L("["),
    BRACKET_R("]"), BRACE_L("{"), PIPE("|"), BRACE_R("}"), NAME("Name"), INT("Int"),
    FLOAT("Float"), STRING("String"), BLOCK_STRING("BlockString");

    private final String text;

    Kind(String text) { this.text = text; }

    @Override public String toString() { return text; }
  }

  /** A token; {@code error} is set for lexing failures (kind INVALID). */
  record Token(Kind kind, String value, int line, int column, GqlError error) {
    @Override public String toString() {
      return value.isEmpty() ? kind.toString() : kind + " " + Formatter.goQuote(value);
    }

    Ast.Position position() { return new Ast.Position(line, column); }
  }

  private final byte[] in;
  private int start;
  private int startRunes;
  private int end;
  private int endRunes;
  private int line = 1;
  private int lineStartRunes;

  Lexer(String source) { this.in = source.getBytes(StandardCharsets.UTF_8); }

  Token next() {
    skipWhitespace();
    start = end;
    startRunes = endRunes;
    if (end >= in.length) return token(Kind.EOF, "");
    int r = in[start] & 0xff;
    end++;
    endRunes++;
    switch (r) {
      case '!': return token(Kind.BANG, "");
      case '$': return token(Kind.DOLLAR, "");
      case '&': return token(Kind.AMP, "");
      case '(': return token(Kind.PAREN_L, "");
      case ')': return token(Kind.PAREN_R, "");
      case '.':
        if (in.length > start + 2 && in[start + 1] == '.' && in[start + 2] == '.') {
          end += 2;
          endRunes += 2;
          return token(Kind.SPREAD, "");
        }
        break;
      case ':': return token(Kind.COLON, "");
      case '=': return token(Kind.EQUALS, "");
      case '@': return token(Kind.AT, "");
      case '[': return token(Kind.BRACKET_L, "");
      case ']': return token(Kind.BRACKET_R, "");
      case '{': return token(Kind.BRACE_L, "");
      case '}': return token(Kind.BRACE_R, "");
      case '|': return token(Kind.PIPE, "");
      case '#':
        skipComment();
        return next();
      case '"':
        if (in.length > start + 2 && in[start + 1] == '"' && in[start + 2] == '"') return blockString();
        return string();
      default:
        if (r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) return name();
        if (r == '-' || (r >= '0' && r <= '9')) return number();
    }
    end--;
    endRunes--;
    if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') {
      return error("Cannot contain the invalid character \"\\u" + String.format("%04d", r) + "\"");
    }
    if (r == '\'') {
      return error("Unexpected single quote character ('), did you mean to use a double quote (\")?");
    }
    // Go converts the first byte (not the whole character) to a rune here.
    return error("Cannot parse the unexpected character \"" + (char) r + "\".");
  }

  private Token token(Kind kind, String value) {
    return new Token(kind, value, line, startRunes - lineStartRunes + 1, null);
  }

  private Token error(String message) {
    int column = endRunes - lineStartRunes + 1;
    return new Token(Kind.INVALID, "", line, column, new GqlError(message, line, column));
  }

  private String text(int from, int to) { return new String(in, from, to - from, StandardCharsets.UTF_8); }

  private void skipWhitespace() {
    while (end < in.length) {
      int b = in[end] & 0xff;
      if (b == '\t' || b == ' ' || b == ',') {
        end++;
        endRunes++;
      } else if (b == '\n') {
        end++;
        endRunes++;
        newLine();
      } else if (b == '\r') {
        end++;
        endRunes++;
        newLine();
        if (end < in.length && in[end] == '\n') {
          end++;
          endRunes++;
        }
      } else if (b == 0xef && end + 2 < in.length && (in[end + 1] & 0xff) == 0xbb && (in[end + 2] & 0xff) == 0xbf) {
        end += 3; // byte order mark
        endRunes++;
      } else {
        return;
      }
    }
  }

  private void newLine() {
    line++;
    lineStartRunes = endRunes;
  }

  private void skipComment() {
    while (end < in.length) {
      int cp = codePointAt(end);
      if (cp > 0x1f || cp == '\t') {
        end += utf8Width(end);
        endRunes++;
      } else {
        return;
      }
    }
  }

  private int utf8Width(int at) {
    int b = in[at] & 0xff;
    int w = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    return Math.min(w, in.length - at);
  }

  private int codePointAt(int at) {
    return new String(in, at, utf8Width(at), StandardCharsets.UTF_8).codePointAt(0);
  }

  private Token name() {
    while (end < in.length) {
      int b = in[end] & 0xff;
      if ((b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '_') {
        end++;
        endRunes++;
      } else {
        break;
      }
    }
    return token(Kind.NAME, text(start, end));
  }

  private Token number() {
    boolean isFloat = false;
    end--;
    endRunes--;
    acceptByte('-');
    if (acceptByte('0')) {
      int consumed = acceptDigits();
      if (consumed != 0) {
        end -= consumed;
        endRunes -= consumed;
        return error("Invalid number, unexpected digit after 0: " + describeNext() + ".");
      }
    } else if (acceptDigits() == 0) {
      return error("Invalid number, expected digit but got: " + describeNext() + ".");
    }
    if (acceptByte('.')) {
      isFloat = true;
      if (acceptDigits() == 0) return error("Invalid number, expected digit but got: " + describeNext() + ".");
    }
    if (acceptByte('e') || acceptByte('E')) {
      isFloat = true;
      if (!acceptByte('-')) acceptByte('+');
      if (acceptDigits() == 0) return error("Invalid number, expected digit but got: " + describeNext() + ".");
    }
    return token(isFloat ? Kind.FLOAT : Kind.INT, text(start, end));
  }

  private boolean acceptByte(char c) {
    if (end < in.length && in[end] == c) {
      end++;
      endRunes++;
      return true;
    }
    return false;
  }

  private int acceptDigits() {
    int consumed = 0;
    while (end < in.length && in[end] >= '0' && in[end] <= '9') {
      end++;
      endRunes++;
      consumed++;
    }
    return consumed;
  }

  private String describeNext() {
    return end < in.length ? "\"" + (char) (in[end] & 0xff) + "\"" : "<EOF>";
  }

  private Token string() {
    StringBuilder buf = null;
    start++;
    startRunes++;
    while (end < in.length) {
      int r = in[end] & 0xff;
      if (r == '\n' || r == '\r') break;
      if (r < 0x20 && r != '\t') {
        return error("Invalid character within String: \"\\u" + String.format("%04d", r) + "\".");
      }
      if (r == '"') {
        Token t = token(Kind.STRING, buf != null ? buf.toString() : text(start, end));
        end++;
        endRunes++;
        return t;
      }
      if (r == '\\') {
        if (end + 1 >= in.length) {
          end++;
          endRunes++;
          return error("Invalid character escape sequence.");
        }
        if (buf == null) buf = new StringBuilder(text(start, end));
        int escape = in[end + 1] & 0xff;
        if (escape == 'u') {
          if (end + 6 >= in.length) {
            end++;
            endRunes++;
            return error("Invalid character escape sequence: \\" + text(end, in.length) + ".");
          }
          int cp = unhex(end + 2);
          if (cp < 0) {
            end++;
            endRunes++;
            return error("Invalid character escape sequence: \\" + text(end, end + 5) + ".");
          }
          // Go writes surrogate halves as the replacement character.
          buf.appendCodePoint(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
          end += 6;
          endRunes += 6;
        } else {
          switch (escape) {
            case '"', '/', '\\' -> buf.append((char) escape);
            case 'b' -> buf.append('\b');
            case 'f' -> buf.append('\f');
            case 'n' -> buf.append('\n');
            case 'r' -> buf.append('\r');
            case 't' -> buf.append('\t');
            default -> {
              end++;
              endRunes++;
              return error("Invalid character escape sequence: \\" + (char) escape + ".");
            }
          }
          end += 2;
          endRunes += 2;
        }
        continue;
      }
      int w = r >= 0x80 ? utf8Width(end) : 1;
      if (buf != null) buf.append(text(end, end + w));
      end += w;
      endRunes++;
    }
    return error("Unterminated string.");
  }

  private int unhex(int at) {
    int v = 0;
    for (int i = at; i < at + 4; i++) {
      int c = in[i] & 0xff;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return -1;
    }
    return v;
  }

  private Token blockString() {
    StringBuilder buf = new StringBuilder();
    start += 3;
    startRunes += 3;
    end += 2;
    endRunes += 2;
    while (end < in.length) {
      int r = in[end] & 0xff;
      if (r == '"') {
        int quotes = 1;
        while (end + quotes < in.length && in[end + quotes] == '"') quotes++;
        if (quotes >= 3) {
          // With more than three quotes, the last three close the string.
          buf.append("\"".repeat(quotes - 3));
          Token t = token(Kind.BLOCK_STRING, blockStringValue(buf.toString()));
          end += quotes;
          endRunes += quotes;
          return t;
        }
      }
      if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') {
        return error("Invalid character within String: \"\\u" + String.format("%04d", r) + "\".");
      }
      if (r == '\\' && end + 4 <= in.length && in[end + 1] == '"' && in[end + 2] == '"' && in[end + 3] == '"') {
        buf.append("\"\"\"");
        end += 4;
        endRunes += 4;
      } else if (r == '\r') {
        if (end + 1 < in.length && in[end + 1] == '\n') {
          end++;
          endRunes++;
        }
        buf.append('\n');
        end++;
        endRunes++;
        newLine();
      } else if (r == '\n') {
        buf.append('\n');
        end++;
        endRunes++;
        newLine();
      } else {
        int w = r >= 0x80 ? utf8Width(end) : 1;
        buf.append(text(end, end + w));
        end += w;
        endRunes++;
      }
    }
    return error("Unterminated string.");
  }

  /** The GraphQL spec's BlockStringValue(): common indentation and blank edge lines removed. */
  static String blockStringValue(String raw) {
    String[] lines = raw.split("\n", -1);
    int common = Integer.MAX_VALUE;
    for (int i = 1; i < lines.length; i++) {
      int indent = leadingWhitespace(lines[i]);
      if (indent < lines[i].length() && indent < common) {
        common = indent;
        if (common == 0) break;
      }
    }
    if (common != Integer.MAX_VALUE) {
      for (int i = 1; i < lines.length; i++) {
        lines[i] = lines[i].length() < common ? "" : lines[i].substring(common);
      }
    }
    int from = 0;
    int to = lines.length;
    while (from < to && leadingWhitespace(lines[from]) == Integer.MAX_VALUE) from++;
    while (from < to && leadingWhitespace(lines[to - 1]) == Integer.MAX_VALUE) to--;
    return String.join("\n", java.util.Arrays.asList(lines).subList(from, to));
  }

  private static int leadingWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t') return i;
    }
    return Integer.MAX_VALUE;
  }
}
