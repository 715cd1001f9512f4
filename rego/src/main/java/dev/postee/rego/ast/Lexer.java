package dev.postee.rego.ast;

import dev.postee.rego.ast.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/** Splits Rego source into tokens, keeping comments aside (for METADATA annotations). */
public final class Lexer {
  /** A comment: line, column and text after '#'. */
  public record Comment(int line, int column, String text) {}

  private final String src;
  private final String file;
  private int pos;
  private int line = 1;
  private int lineStart;
  private final List<Token> tokens = new ArrayList<>();
  private final List<Comment> comments = new ArrayList<>();

  private final int limit;

  public Lexer(String src, String file) {
    this(src, file, 0, src.length(), 1, 0);
  }

  /** Lexes src[start, end) keeping positions relative to the whole source (template parts). */
  public Lexer(String src, String file, int start, int end, int line, int lineStart) {
    this.src = src;
    this.file = file;
    this.pos = start;
    this.limit = end;
    this.line = line;
    this.lineStart = lineStart;
  }

  public List<Token> tokens() { return tokens; }

  public List<Comment> comments() { return comments; }

  public Lexer run() {
    boolean space = true;
    while (true) {
      int before = pos;
      skipSpaceAndComments();
      space = space || pos != before;
      if (pos >= limit) {
        tokens.add(new Token(Kind.EOF, "", pos, pos, line, col(pos), true));
        return this;
      }
      tokens.add(next(space));
      space = false;
    }
  }

  private int col(int p) { return p - lineStart + 1; }

  Location loc(int p) { return new Location(file, line, col(p), p); }

  private ParseException error(int p, String msg) {
    return new ParseException(new Location(file, line, col(p), p), msg);
  }

  private void skipSpaceAndComments() {
    while (pos < limit) {
      char c = src.charAt(pos);
      if (c == '\n') {
        pos++;
        line++;
        lineStart = pos;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\ufeff') {
        pos++;
      } else if (c == '#') {
        int start = pos;
        while (pos < src.length() && src.charAt(pos) != '\n') pos++;
        comments.add(new Comment(line, col(start), src.substring(start + 1, pos)));
      } else {
        return;
      }
    }
  }

  private Token tok(Kind k, String text, int start, boolean space) {
    return new Token(k, text, start, pos, line, col(start), space);
  }

  private Token next(boolean space) {
    int start = pos;
    char c = src.charAt(pos);
    if (Character.isLetter(c) || c == '_') {
      while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
      return tok(Kind.IDENT, src.substring(start, pos), start, space);
    }
    if (c >= '0' && c <= '9') return number(start, space);
    if (c == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1))
        && (tokens.isEmpty() || space || !endsTerm(tokens.get(tokens.size() - 1)))) {
      return number(start, space);
    }
    switch (c) {
      case '"': {
        String s = string(start);
        return tok(Kind.STRING, s, start, space);
      }
      case '`': {
        int end = src.indexOf('`', pos + 1);
        if (end < 0) throw error(start, "non-terminated raw string");
        String s = src.substring(pos + 1, end);
        advanceTo(end + 1);
        return tok(Kind.RAW_STRING, s, start, space);
      }
      case '$': {
        if (pos + 1 < src.length() && (src.charAt(pos + 1) == '"' || src.charAt(pos + 1) == '`')) {
          boolean raw = src.charAt(pos + 1) == '`';
          pos += 2;
          int contentStart = pos;
          int end = skipTemplate(raw ? '`' : '"', start);
          String content = src.substring(contentStart, end);
          advanceTo(end + 1);
          return tok(raw ? Kind.RAW_TEMPLATE : Kind.TEMPLATE, content, start, space);
        }
        throw error(start, "unexpected character '$'");
      }
      default:
        break;
    }
    pos++;
    switch (c) {
      case ':':
        if (peekChar('=')) { pos++; return tok(Kind.ASSIGN, ":=", start, space); }
        return tok(Kind.COLON, ":", start, space);
      case '=':
        if (peekChar('=')) { pos++; return tok(Kind.EQ, "==", start, space); }
        return tok(Kind.UNIFY, "=", start, space);
      case '!':
        if (peekChar('=')) { pos++; return tok(Kind.NEQ, "!=", start, space); }
        throw error(start, "unexpected character '!' (did you mean '!=' or 'not'?)");
      case '<':
        if (peekChar('=')) { pos++; return tok(Kind.LTE, "<=", start, space); }
        return tok(Kind.LT, "<", start, space);
      case '>':
        if (peekChar('=')) { pos++; return tok(Kind.GTE, ">=", start, space); }
        return tok(Kind.GT, ">", start, space);
      case '+': return tok(Kind.PLUS, "+", start, space);
      case '-': return tok(Kind.MINUS, "-", start, space);
      case '*': return tok(Kind.STAR, "*", start, space);
      case '/': return tok(Kind.SLASH, "/", start, space);
      case '%': return tok(Kind.PERCENT, "%", start, space);
      case '&': return tok(Kind.AMP, "&", start, space);
      case '|': return tok(Kind.BAR, "|", start, space);
      case '[': return tok(Kind.LBRACK, "[", start, space);
      case ']': return tok(Kind.RBRACK, "]", start, space);
      case '{': return tok(Kind.LBRACE, "{", start, space);
      case '}': return tok(Kind.RBRACE, "}", start, space);
      case '(': return tok(Kind.LPAREN, "(", start, space);
      case ')': return tok(Kind.RPAREN, ")", start, space);
      case '.': return tok(Kind.DOT, ".", start, space);
      case ',': return tok(Kind.COMMA, ",", start, space);
      case ';': return tok(Kind.SEMI, ";", start, space);
      default:
        throw error(start, "unexpected character '" + new String(Character.toChars(src.codePointAt(start))) + "'");
    }
  }

  private static boolean endsTerm(Token t) {
    return switch (t.kind()) {
      case IDENT, NUMBER, STRING, RAW_STRING, RBRACK, RBRACE, RPAREN -> true;
      default -> false;
    };
  }

  private boolean peekChar(char c) { return pos < src.length() && src.charAt(pos) == c; }

  private void advanceTo(int p) {
    while (pos < p) {
      if (src.charAt(pos) == '\n') {
        line++;
        lineStart = pos + 1;
      }
      pos++;
    }
  }

  private Token number(int start, boolean space) {
    while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
    if (pos < src.length() && src.charAt(pos) == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1))) {
      pos++;
      while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int save = pos;
      pos++;
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
      if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
      } else {
        pos = save;
      }
    }
    if (pos < src.length() && (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
      throw error(start, "invalid number: " + src.substring(start, pos + 1));
    }
    String text = src.substring(start, pos);
    if (text.startsWith(".")) text = "0" + text;
    return tok(Kind.NUMBER, text, start, space);
  }

  /** Reads a JSON-style double-quoted string starting at pos; returns the decoded value. */
  private String string(int start) {
    StringBuilder sb = new StringBuilder();
    pos++;
    while (true) {
      if (pos >= src.length() || src.charAt(pos) == '\n') throw error(start, "non-terminated string");
      char c = src.charAt(pos);
      if (c == '"') {
        pos++;
        return sb.toString();
      }
      if (c == '\\') {
        pos = escape(sb, pos, start, false);
      } else {
        sb.append(c);
        pos++;
      }
    }
  }

  /** Decodes one escape at p (pointing at the backslash); returns the position after it. */
  int escape(StringBuilder sb, int p, int stringStart, boolean template) {
    if (p + 1 >= src.length()) throw error(stringStart, "non-terminated string");
    char e = src.charAt(p + 1);
    switch (e) {
      case '"': sb.append('"'); return p + 2;
      case '\\': sb.append('\\'); return p + 2;
      case '/': sb.append('/'); return p + 2;
      case 'b': sb.append('\b'); return p + 2;
      case 'f': sb.append('\f'); return p + 2;
      case 'n': sb.append('\n'); return p + 2;
      case 'r': sb.append('\r'); return p + 2;
      case 't': sb.append('\t'); return p + 2;
      case 'u': {
        if (p + 6 > src.length()) throw error(p, "invalid unicode escape in string");
        try {
          sb.append((char) Integer.parseInt(src.substring(p + 2, p + 6), 16));
        } catch (NumberFormatException ex) {
          throw error(p, "invalid unicode escape in string");
        }
        return p + 6;
      }
      case '{':
        if (template) {
          sb.append('{');
          return p + 2;
        }
        // fall through
      default:
        throw error(p, "illegal escape sequence '\\" + e + "' in string");
    }
  }

  /** Finds the closing delimiter of a template string, skipping nested {expr} regions. */
  private int skipTemplate(char close, int start) {
    int p = pos;
    while (true) {
      if (p >= src.length()) throw error(start, "non-terminated template string");
      char c = src.charAt(p);
      if (c == close) return p;
      if (c == '\\' && close == '"') {
        p += 2;
        continue;
      }
      if (c == '\\' && close == '`' && p + 1 < src.length() && src.charAt(p + 1) == '{') {
        p += 2;
        continue;
      }
      if (c == '\n' && close == '"') throw error(start, "non-terminated template string");
      if (c == '{') {
        p = skipBalanced(p + 1, start);
        continue;
      }
      p++;
    }
  }

  /** From just after '{', returns the position after the matching '}', skipping strings. */
  int skipBalanced(int p, int start) {
    int depth = 1;
    while (p < src.length()) {
      char c = src.charAt(p);
      if (c == '"') {
        p++;
        while (p < src.length() && src.charAt(p) != '"') {
          if (src.charAt(p) == '\\') p++;
          p++;
        }
        p++;
      } else if (c == '`') {
        int e = src.indexOf('`', p + 1);
        if (e < 0) throw error(start, "non-terminated raw string in template");
        p = e + 1;
      } else if (c == '$' && p + 1 < src.length() && (src.charAt(p + 1) == '"' || src.charAt(p + 1) == '`')) {
        char close = src.charAt(p + 1);
        int save = pos;
        pos = p + 2;
        int end = skipTemplate(close, start);
        pos = save;
        p = end + 1;
      } else if (c == '{') {
        depth++;
        p++;
      } else if (c == '}') {
        depth--;
        p++;
        if (depth == 0) return p;
      } else {
        p++;
      }
    }
    throw error(start, "non-terminated template expression");
  }
}
