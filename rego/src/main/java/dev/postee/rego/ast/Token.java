package dev.postee.rego.ast;

/** A lexical token. {@code text} is the decoded value for strings, the raw text otherwise. */
public record Token(Kind kind, String text, int start, int end, int line, int column, boolean spaceBefore) {

  public enum Kind {
    IDENT, NUMBER, STRING, RAW_STRING, TEMPLATE, RAW_TEMPLATE,
    ASSIGN, UNIFY, EQ, NEQ, LT, LTE, GT, GTE,
    PLUS, MINUS, STAR, SLASH, PERCENT, AMP, BAR,
    LBRACK, RBRACK, LBRACE, RBRACE, LPAREN, RPAREN,
    DOT, COMMA, SEMI, COLON, EOF
  }

  public boolean is(Kind k) { return kind == k; }

  public boolean isIdent(String s) { return kind == Kind.IDENT && text.equals(s); }

  public String describe() {
    return switch (kind) {
      case EOF -> "end of file";
      case STRING -> "string";
      case RAW_STRING -> "raw string";
      case TEMPLATE, RAW_TEMPLATE -> "template string";
      case NUMBER -> "number " + text;
      case IDENT -> "'" + text + "'";
      default -> "'" + text + "'";
    };
  }
}
