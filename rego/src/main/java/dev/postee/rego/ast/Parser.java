package dev.postee.rego.ast;

import dev.postee.rego.ast.Expr.With;
import dev.postee.rego.ast.Token.Kind;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.StringValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser for Rego v1 (OPA ≥ 1.0) and v0 (Postee's templates and filters).
 * Operator precedence follows OPA: {@code in} &lt; comparisons &lt; {@code |} &lt; {@code &} &lt;
 * {@code + -} &lt; {@code * / %}.
 */
public final class Parser {

  /** Which syntax to read a module with. */
  public enum Syntax { V1, V0, AUTO }

  private static final Set<String> V1_KEYWORDS = Set.of("if", "contains", "in", "every");

  private final String src;
  private final String file;
  private final List<Token> toks;
  private final List<Lexer.Comment> comments;
  private int p;
  private boolean v1;
  private final Set<String> futureKeywords = new HashSet<>();
  /** Whether the experimental and/or keywords may be imported (OPA's capability for them). */
  private boolean logicAllowed;
  /** and / or are keywords once imported (future.keywords.and, future.keywords.or). */
  private boolean andKeyword;
  private boolean orKeyword;
  /** The module imports rego.v2, which brings and/or even when they are not enabled otherwise. */
  private boolean importsRegoV2;
  private int wildcardCounter;
  private final int[] wildcardBase;

  private Parser(String src, String file, Lexer lexer, boolean v1, int[] wildcardBase) {
    this.src = src;
    this.file = file;
    this.toks = lexer.tokens();
    this.comments = lexer.comments();
    this.v1 = v1;
    this.wildcardBase = wildcardBase;
  }

  private Parser(String src, String file, boolean v1) {
    this(src, file, new Lexer(src, file).run(), v1, new int[] {0});
  }

  // ---------------------------------------------------------------- entry points

  /** Parses a module, choosing v1 or v0 syntax as {@link Syntax#AUTO} describes. */
  public static Module parseModule(String file, String src) {
    return parseModule(file, src, Syntax.AUTO);
  }

  /**
   * AUTO reads the module as v1 when that parses; otherwise as v0. When both fail, the error of
   * the syntax the module appears to use is reported (v1 if it imports rego.v1 or uses if/contains).
   */
  public static Module parseModule(String file, String src, Syntax syntax) {
    return parseModule(file, src, syntax, false);
  }

  /**
   * As {@link #parseModule(String, String, Syntax)}; logicKeywords lets modules import OPA's
   * experimental {@code and}/{@code or} keywords (otherwise importing them is an error, as in OPA
   * without that capability).
   */
  public static Module parseModule(String file, String src, Syntax syntax, boolean logicKeywords) {
    if (syntax == Syntax.V1) return new Parser(src, file, true).allowLogic(logicKeywords).module();
    if (syntax == Syntax.V0) return new Parser(src, file, false).allowLogic(logicKeywords).module();
    try {
      return new Parser(src, file, true).allowLogic(logicKeywords).module();
    } catch (ParseException v1Error) {
      try {
        return new Parser(src, file, false).allowLogic(logicKeywords).module();
      } catch (ParseException v0Error) {
        if (looksLikeV1(src)) throw v1Error;
        throw v0Error;
      }
    }
  }

  private Parser allowLogic(boolean on) {
    this.logicAllowed = on;
    return this;
  }

  private static boolean looksLikeV1(String src) {
    return src.contains("rego.v1") || src.contains("rego.v2") || src.matches("(?s).*\\b(if|contains)\\b.*");
  }

  /** Parses a query body (expressions separated by ';' or newlines). */
  public static Body parseQuery(String src) {
    return parseQuery(src, "query");
  }

  public static Body parseQuery(String src, String file) {
    Parser ps = new Parser(src, file, true);
    ps.futureKeywords.addAll(V1_KEYWORDS);
    Body b = ps.query(Kind.EOF);
    ps.expect(Kind.EOF, "end of query");
    return b;
  }

  /** Parses a single term (used for input_term and values given as Rego text). */
  public static Term parseTerm(String src) {
    Parser ps = new Parser(src, "term", true);
    Term t = ps.termInfix(false, false);
    ps.expect(Kind.EOF, "end of term");
    return t;
  }

  // ---------------------------------------------------------------- token helpers

  private Token peek() { return toks.get(p); }

  private Token peek(int ahead) { return toks.get(Math.min(p + ahead, toks.size() - 1)); }

  private Token next() { return toks.get(p++); }

  private boolean at(Kind k) { return peek().kind() == k; }

  private boolean atIdent(String s) { return peek().isIdent(s); }

  private boolean accept(Kind k) {
    if (at(k)) {
      p++;
      return true;
    }
    return false;
  }

  private Token expect(Kind k, String what) {
    if (!at(k)) throw error(peek(), "expected " + what + " but found " + peek().describe());
    return next();
  }

  private ParseException error(Token t, String msg) {
    return new ParseException(loc(t), msg);
  }

  private Location loc(Token t) { return new Location(file, t.line(), t.column(), t.start()); }

  private boolean keyword(String word) {
    if (V1_KEYWORDS.contains(word)) return v1 || futureKeywords.contains(word);
    return switch (word) {
      case "package", "import", "default", "else", "not", "some", "with", "as" -> true;
      case "and" -> andKeyword;
      case "or" -> orKeyword;
      default -> false;
    };
  }

  private boolean atKeyword(String word) { return atIdent(word) && keyword(word) && !startsRef(); }

  /** A name directly followed by '.' or '[' starts a reference, even when the name is a keyword. */
  private boolean startsRef() {
    Token n = peek(1);
    return (n.kind() == Kind.DOT || n.kind() == Kind.LBRACK) && !n.spaceBefore()
        && (n.kind() != Kind.DOT || peek(2).kind() == Kind.IDENT);
  }

  // ---------------------------------------------------------------- module

  private Module module() {
    Token pkgTok = peek();
    if (!atIdent("package")) throw error(peek(), "expected 'package' but found " + peek().describe());
    next();
    Term.Ref pkgRef = refOfNames("package path");
    List<String> pkgPath = refToStrings(pkgRef);
    List<Module.Import> imports = new ArrayList<>();
    importsRegoV2 = scanImportsRegoV2();
    while (atIdent("import") && !startsRef()) imports.add(importDecl());
    List<Rule> rules = new ArrayList<>();
    while (!at(Kind.EOF)) {
      if (atIdent("import") && !startsRef()) throw error(peek(), "imports must come before rules");
      if (atIdent("package") && !startsRef()) throw error(peek(), "unexpected second 'package' declaration");
      rules.addAll(rule());
    }
    List<Module.Annotation> annotations = annotations(pkgTok, imports, rules);
    return new Module(file, pkgPath, List.copyOf(imports), List.copyOf(rules), v1, List.copyOf(annotations), List.copyOf(comments), loc(pkgTok));
  }

  /** Whether the module has an {@code import rego.v2} (imports all precede the rules). */
  private boolean scanImportsRegoV2() {
    for (int i = p; i + 3 < toks.size(); i++) {
      if (isIdent(toks.get(i), "import") && isIdent(toks.get(i + 1), "rego")
          && toks.get(i + 2).kind() == Kind.DOT && isIdent(toks.get(i + 3), "v2")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isIdent(Token t, String text) {
    return t.kind() == Kind.IDENT && t.text().equals(text);
  }

  private Module.Import importDecl() {
    Token start = next();
    Term.Ref path = refOfNames("import path");
    String root = ((Term.Var) path.head()).name();
    List<String> parts = refToStrings(path);
    switch (root) {
      case "data", "input" -> { }
      case "future" -> {
        if (parts.size() < 2 || !parts.get(1).equals("keywords")) {
          throw error(start, "invalid import " + path + ": only future.keywords imports are supported");
        }
        if (parts.size() == 2) {
          futureKeywords.addAll(V1_KEYWORDS);
          futureKeywords.add("not");
          andKeyword |= logicAllowed;
          orKeyword |= logicAllowed;
        } else if (parts.size() == 3 && V1_KEYWORDS.contains(parts.get(2))) {
          futureKeywords.add(parts.get(2));
        } else if (parts.size() == 3 && parts.get(2).equals("not")) {
          futureKeywords.add("not"); // enables negated bodies: not { ... }
        } else if (parts.size() == 3 && (parts.get(2).equals("and") || parts.get(2).equals("or"))) {
          if (!logicAllowed && !importsRegoV2) {
            throw error(start, "unexpected keyword in import: " + path + " (the and/or keywords are experimental and not enabled)");
          }
          if (parts.get(2).equals("and")) andKeyword = true;
          else orKeyword = true;
        } else {
          throw error(start, "unexpected keyword in import: " + path);
        }
      }
      case "rego" -> {
        if (!(parts.size() == 2 && (parts.get(1).equals("v1") || parts.get(1).equals("v2")))) {
          throw error(start, "invalid import " + path + ": expected rego.v1 or rego.v2");
        }
        if (!v1) throw error(start, "import " + path + " in a v0 module");
        if (parts.get(1).equals("v2")) {
          // Rego v2 for this module only: the and, or and not (negated body) keywords,
          // whether or not the experimental keywords are enabled for the compile.
          futureKeywords.add("not");
          andKeyword = true;
          orKeyword = true;
        }
      }
      default -> throw error(start, "invalid import " + path + ": path must begin with input, data, future or rego");
    }
    String alias = null;
    if (atIdent("as")) {
      next();
      Token a = expect(Kind.IDENT, "import alias");
      alias = a.text();
      if (root.equals("future") || root.equals("rego")) throw error(a, "future and rego imports cannot be aliased");
    }
    return new Module.Import(path, alias, loc(start));
  }

  /** A ref made only of names and string/number brackets (package and import paths). */
  private Term.Ref refOfNames(String what) {
    Token first = expect(Kind.IDENT, what);
    List<Term> path = new ArrayList<>();
    while (true) {
      if (at(Kind.DOT) && !peek().spaceBefore()) {
        next();
        Token n = peek();
        if (n.kind() != Kind.IDENT) throw error(n, "expected a name after '.' but found " + n.describe());
        next();
        path.add(new Term.Scalar(StringValue.of(n.text()), loc(n)));
      } else if (at(Kind.LBRACK) && !peek().spaceBefore()) {
        next();
        Token s = peek();
        if (s.kind() != Kind.STRING && s.kind() != Kind.RAW_STRING) throw error(s, "expected a string in " + what + " but found " + s.describe());
        next();
        path.add(new Term.Scalar(StringValue.of(s.text()), loc(s)));
        expect(Kind.RBRACK, "']'");
      } else {
        break;
      }
    }
    return new Term.Ref(new Term.Var(first.text(), loc(first)), List.copyOf(path), loc(first));
  }

  private static List<String> refToStrings(Term.Ref ref) {
    List<String> out = new ArrayList<>();
    out.add(((Term.Var) ref.head()).name());
    for (Term t : ref.path()) out.add(((StringValue) ((Term.Scalar) t).value()).value());
    return out;
  }

  // ---------------------------------------------------------------- rules

  private List<Rule> rule() {
    Token start = peek();
    boolean isDefault = false;
    if (atIdent("default") && !startsRef()) {
      next();
      isDefault = true;
    }
    if (!at(Kind.IDENT)) throw error(peek(), "expected a rule name but found " + peek().describe());
    if (keyword(peek().text()) && !isDefault && !startsRef()) {
      throw error(peek(), "unexpected keyword '" + peek().text() + "': expected a rule");
    }
    List<Term> ref = headRef();
    List<Term> args = null;
    if (at(Kind.LPAREN) && !peek().spaceBefore()) {
      next();
      args = new ArrayList<>();
      while (!at(Kind.RPAREN)) {
        args.add(termInfix(false, false));
        if (!accept(Kind.COMMA)) break;
      }
      expect(Kind.RPAREN, "')' after function arguments");
    }
    Term key = null;
    Term value = null;
    boolean assign = false;
    Rule.Kind kind;
    if (atKeyword("contains")) {
      if (args != null) throw error(peek(), "'contains' cannot be used with a function head");
      next();
      key = termInfix(false, false);
      kind = Rule.Kind.MULTI_VALUE;
    } else {
      if (at(Kind.ASSIGN) || at(Kind.UNIFY)) {
        assign = next().kind() == Kind.ASSIGN;
        value = termInfix(false, false);
      }
      kind = args != null ? Rule.Kind.FUNCTION : Rule.Kind.SINGLE_VALUE;
    }
    if (isDefault) {
      if (value == null) throw error(start, "default rule must have a value: default " + ref.get(0) + " := <value>");
      if (atKeyword("if") || at(Kind.LBRACE)) throw error(peek(), "default rules must not have a body");
      return List.of(new Rule(kind, List.copyOf(ref), args == null ? null : List.copyOf(args), null, value, assign,
          emptyBody(start), null, true, loc(start)));
    }
    // v0 partial set: p[x] { ... } (no value, last head element in brackets, not a function)
    if (!v1 && kind == Rule.Kind.SINGLE_VALUE && value == null && ref.size() > 1 && lastIsBracket) {
      key = ref.remove(ref.size() - 1);
      kind = Rule.Kind.MULTI_VALUE;
    }
    List<Body> bodies = new ArrayList<>();
    boolean hasIf = false;
    if (atKeyword("if")) {
      next();
      hasIf = true;
      bodies.add(ruleBody());
    } else if (at(Kind.LBRACE)) {
      if (v1) throw error(peek(), "'if' keyword is required before rule body");
      bodies.add(braceBody());
      while (at(Kind.LBRACE) && !v1) bodies.add(braceBody());
    } else {
      if (value == null && key == null && args == null && v1) {
        throw error(peek(), "rule " + ref.get(0) + " has neither a value nor a body (expected ':=', 'if' or 'contains')");
      }
      if (value == null && key == null && !v1 && args == null && bodies.isEmpty()) {
        throw error(peek(), "expected rule body, value or 'contains' after " + ref.get(0) + " but found " + peek().describe());
      }
      bodies.add(emptyBody(start));
    }
    Rule elseChain = null;
    if (atIdent("else") && !startsRef()) {
      if (kind != Rule.Kind.SINGLE_VALUE && kind != Rule.Kind.FUNCTION) throw error(peek(), "'else' keyword cannot be used on multi-value rules");
      elseChain = elseClause(ref, args);
    }
    if (value == null && kind != Rule.Kind.MULTI_VALUE) value = new Term.Scalar(BooleanValue.TRUE, loc(start));
    List<Rule> out = new ArrayList<>();
    for (Body b : bodies) {
      out.add(new Rule(kind, List.copyOf(ref), args == null ? null : List.copyOf(args), key, value, assign, b,
          out.isEmpty() ? elseChain : null, false, loc(start)));
    }
    if (hasIf && bodies.isEmpty()) throw error(start, "missing rule body");
    return out;
  }

  private boolean lastIsBracket;

  /** name(.name | [term])* for rule heads; keywords are allowed after '.'. */
  private List<Term> headRef() {
    Token first = next();
    List<Term> ref = new ArrayList<>();
    ref.add(new Term.Var(first.text(), loc(first)));
    lastIsBracket = false;
    while (true) {
      if (at(Kind.DOT) && !peek().spaceBefore()) {
        next();
        Token n = expect(Kind.IDENT, "a name after '.'");
        ref.add(new Term.Scalar(StringValue.of(n.text()), loc(n)));
        lastIsBracket = false;
      } else if (at(Kind.LBRACK) && !peek().spaceBefore()) {
        next();
        ref.add(termInfix(false, false));
        expect(Kind.RBRACK, "']'");
        lastIsBracket = true;
      } else {
        return ref;
      }
    }
  }

  private Rule elseClause(List<Term> ref, List<Term> args) {
    Token start = next(); // else
    Term value;
    boolean assign = false;
    if (at(Kind.ASSIGN) || at(Kind.UNIFY)) {
      assign = next().kind() == Kind.ASSIGN;
      value = termInfix(false, false);
    } else {
      value = new Term.Scalar(BooleanValue.TRUE, loc(start));
    }
    Body body;
    if (atKeyword("if")) {
      next();
      body = ruleBody();
    } else if (at(Kind.LBRACE)) {
      if (v1) throw error(peek(), "'if' keyword is required before else body");
      body = braceBody();
    } else {
      body = emptyBody(start);
    }
    Rule next = null;
    if (atIdent("else") && !startsRef()) next = elseClause(ref, args);
    return new Rule(args != null ? Rule.Kind.FUNCTION : Rule.Kind.SINGLE_VALUE, List.copyOf(ref),
        args == null ? null : List.copyOf(args), null, value, assign, body, next, false, loc(start));
  }

  private Body ruleBody() {
    Token start = peek();
    if (at(Kind.LBRACE)) {
      int save = p;
      try {
        return braceBody();
      } catch (ParseException notABody) {
        // `if {x: y | ...}`: a single expression that starts with a brace (a comprehension or literal)
        p = save;
        try {
          return new Body(List.of(literal()), loc(start));
        } catch (ParseException alsoNot) {
          throw notABody;
        }
      }
    }
    Expr e = literal();
    return new Body(List.of(e), loc(start));
  }

  private Body braceBody() {
    Token open = expect(Kind.LBRACE, "'{'");
    if (at(Kind.RBRACE)) throw error(peek(), "found empty body");
    Body b = query(Kind.RBRACE);
    expect(Kind.RBRACE, "'}' to close the rule body");
    return new Body(b.exprs(), loc(open));
  }

  private Body emptyBody(Token at) {
    return new Body(List.of(), loc(at));
  }

  // ---------------------------------------------------------------- bodies and literals

  /** Literals separated by ';' or simply following each other, until the end token. */
  private Body query(Kind end) {
    Token start = peek();
    List<Expr> exprs = new ArrayList<>();
    while (true) {
      if (at(end)) {
        if (exprs.isEmpty()) throw error(peek(), "found empty body");
        return new Body(List.copyOf(exprs), loc(start));
      }
      exprs.add(literal());
      while (accept(Kind.SEMI)) {
        // separators
      }
      if (!at(end) && at(Kind.EOF)) throw error(peek(), "unexpected end of input: expected " + describe(end));
    }
  }

  private static String describe(Kind k) {
    return switch (k) {
      case RBRACE -> "'}'";
      case RBRACK -> "']'";
      case EOF -> "end of input";
      default -> k.name();
    };
  }

  private Expr literal() {
    Token start = peek();
    if (logicKeywords()) {
      Expr led = logicLedLiteral();
      if (led != null) return led;
    }
    Expr e;
    if (atKeyword("some")) {
      e = some();
    } else if (atKeyword("every")) {
      e = every();
    } else if (atKeyword("not")) {
      next();
      Operand group;
      if (at(Kind.LBRACE) && futureKeywords.contains("not")) {
        Body b = braceBody();
        e = new Expr.NotBody(b, List.of(), loc(start));
      } else if (logicKeywords() && at(Kind.LPAREN) && futureKeywords.contains("not") && (group = logicGroup(true)) != null) {
        e = new Expr.NotBody(group.body(), List.of(), loc(start));
      } else {
        Expr inner = exprWithoutWith();
        e = new Expr.Not(inner, List.of(), loc(start));
      }
    } else {
      e = exprWithoutWith();
    }
    List<With> withs = withModifiers();
    if (atLogicOperator()) {
      if (!withs.isEmpty()) throw withOnOperand();
      e = logicChain(Body.of(e), false, loc(start));
      withs = withModifiers();
    }
    if (!withs.isEmpty()) e = e.withWiths(withs);
    return e;
  }

  private List<With> withModifiers() {
    List<With> withs = new ArrayList<>();
    while (atKeyword("with")) {
      Token w = next();
      Term target = termInfix(false, false);
      if (!atKeyword("as")) throw error(peek(), "expected 'as' in with modifier but found " + peek().describe());
      next();
      Term value = termInfix(false, false);
      withs.add(new With(target, value, loc(w)));
    }
    return withs.isEmpty() ? List.of() : List.copyOf(withs);
  }

  // ---------------------------------------------------------------- experimental and / or

  /** An operand of and/or: a body, and whether it was written as an explicit {@code {...}}. */
  private record Operand(Body body, boolean explicit) {}

  private boolean logicKeywords() { return andKeyword || orKeyword; }

  /** In operator position and/or are always the keywords, even before '(' (OPA decides the same way). */
  private boolean atLogicOperator() {
    return andKeyword && atIdent("and") || orKeyword && atIdent("or");
  }

  private ParseException withOnOperand() {
    return error(peek(), "`with` modifier is not allowed on operand of `" + peek().text()
        + "`: wrap the operand in (...) or {...}, or move `with` after the whole expression");
  }

  /**
   * A statement that starts with an operand only and/or can make sense of: {@code { body } and ...}
   * or a parenthesised group {@code (a or b) and c}. Null when the braces or parens are something
   * else (a set, an object, an arithmetic group); nothing is consumed then.
   */
  private Expr logicLedLiteral() {
    Token start = peek();
    if (at(Kind.LBRACE)) {
      int save = p;
      Body b = null;
      try {
        b = braceBody();
      } catch (ParseException notABody) {
        // a set or object literal, read below as a term
      }
      if (b != null && atLogicOperator()) return withTrailingModifiers(logicChain(b, true, loc(start)));
      p = save;
      return null;
    }
    if (at(Kind.LPAREN)) {
      Operand g = logicGroup(false);
      if (g != null) {
        Expr e = atLogicOperator() ? logicChain(g.body(), g.explicit(), loc(start)) : g.body().exprs().get(0);
        return withTrailingModifiers(e);
      }
    }
    return null;
  }

  private Expr withTrailingModifiers(Expr e) {
    List<With> withs = withModifiers();
    if (withs.isEmpty()) return e;
    List<With> all = new ArrayList<>(e.withs());
    all.addAll(withs);
    return e.withWiths(List.copyOf(all));
  }

  /** lhs (and operand)* (or andChain)*: 'and' binds tighter than 'or'; both associate to the left. */
  private Expr logicChain(Body lhs, boolean lhsExplicit, Location loc) {
    Body left = lhs;
    boolean leftExplicit = lhsExplicit;
    if (andKeyword && atIdent("and")) {
      left = Body.of(andChain(left, leftExplicit, loc));
      leftExplicit = false;
    }
    while (orKeyword && atIdent("or")) {
      next();
      Token rhsStart = peek();
      Operand rhs = logicOperand("or");
      if (andKeyword && atIdent("and")) rhs = new Operand(Body.of(andChain(rhs.body(), rhs.explicit(), loc(rhsStart))), false);
      left = Body.of(new Expr.Logic(false, left, rhs.body(), leftExplicit, rhs.explicit(), List.of(), loc));
      leftExplicit = false;
    }
    return left.exprs().get(0);
  }

  private Expr andChain(Body lhs, boolean lhsExplicit, Location loc) {
    Body left = lhs;
    boolean leftExplicit = lhsExplicit;
    while (andKeyword && atIdent("and")) {
      next();
      Operand rhs = logicOperand("and");
      left = Body.of(new Expr.Logic(true, left, rhs.body(), leftExplicit, rhs.explicit(), List.of(), loc));
      leftExplicit = false;
    }
    return left.exprs().get(0);
  }

  /**
   * One operand: {@code { body }}, {@code not { body }}, {@code not (group)}, {@code not expr},
   * {@code (group)} or an expression. op names the operator for messages; empty when the caller
   * is speculating (inside parentheses) and restores on failure.
   */
  private Operand logicOperand(String op) {
    Token start = peek();
    if (at(Kind.LBRACE)) {
      int save = p;
      try {
        return new Operand(braceBody(), true);
      } catch (ParseException notABody) {
        if (op.isEmpty()) throw notABody;
        p = save;
        try {
          termInfix(false, false);
        } catch (ParseException notAValueEither) {
          throw notABody;
        }
        throw error(start, "operand of `" + op + "` cannot begin with `{` unless the braces hold a body"
            + " (wrap a value in parentheses)");
      }
    }
    if (atKeyword("not")) {
      next();
      boolean notBodies = futureKeywords.contains("not");
      if (notBodies && at(Kind.LBRACE)) return new Operand(Body.of(new Expr.NotBody(braceBody(), List.of(), loc(start))), false);
      if (notBodies && at(Kind.LPAREN)) {
        Operand g = logicGroup(true);
        if (g != null) return new Operand(Body.of(new Expr.NotBody(g.body(), List.of(), loc(start))), false);
      }
      return new Operand(Body.of(new Expr.Not(exprWithoutWith(), List.of(), loc(start))), false);
    }
    if (at(Kind.LPAREN)) {
      Operand g = logicGroup(true);
      if (g != null) return g;
    }
    return new Operand(Body.of(exprWithoutWith()), false);
  }

  /**
   * A parenthesised group of and/or operands, e.g. {@code (a or b)}, {@code (a with x)} or
   * {@code ((a or b))}; null (and nothing consumed) when the parentheses only group a term such
   * as {@code (a == b)} or {@code (1 + 2) * 3}.
   */
  private Operand logicGroup(boolean operandContext) {
    int save = p;
    Token open = next();
    if (at(Kind.RPAREN)) {
      if (operandContext) throw error(open, "empty parenthesized group");
      p = save;
      return null;
    }
    Operand lhs;
    try {
      lhs = logicOperand("");
    } catch (ParseException notAGroup) {
      p = save;
      return null;
    }
    if (atLogicOperator()) {
      Expr chain = withTrailingModifiers(logicChain(lhs.body(), lhs.explicit(), loc(open)));
      expect(Kind.RPAREN, "')' to close the parenthesized group");
      return new Operand(Body.of(chain), false);
    }
    if (atKeyword("with") && !lhs.explicit() && lhs.body().exprs().size() == 1) {
      Expr only = withTrailingModifiers(lhs.body().exprs().get(0));
      if (atLogicOperator()) throw withOnOperand();
      expect(Kind.RPAREN, "')' to close the parenthesized group");
      if (operandContext || atLogicOperator()) return new Operand(Body.of(only), false);
      p = save;
      return null;
    }
    if (!lhs.explicit() && lhs.body().exprs().size() == 1 && isLogicOrNegation(lhs.body().exprs().get(0))) {
      expect(Kind.RPAREN, "')' to close the parenthesized group");
      return lhs;
    }
    p = save;
    return null;
  }

  private static boolean isLogicOrNegation(Expr e) {
    return e instanceof Expr.Logic || e instanceof Expr.Not || e instanceof Expr.NotBody;
  }

  private Expr exprWithoutWith() {
    Token start = peek();
    Term lhs = termInfix(true, false);
    if (at(Kind.ASSIGN) || at(Kind.UNIFY)) {
      boolean assign = next().kind() == Kind.ASSIGN;
      Term rhs = termInfix(false, false);
      return new Expr.Unify(lhs, rhs, assign, List.of(), loc(start));
    }
    return new Expr.TermExpr(lhs, List.of(), loc(start));
  }

  private Expr some() {
    Token start = next();
    int save = p;
    Term t = termInfix(true, false);
    if (t instanceof Term.Call c && c.operator() instanceof Term.Var v
        && (v.name().equals("internal.member_2") || v.name().equals("internal.member_3"))) {
      if (v.name().equals("internal.member_2")) {
        return new Expr.SomeIn(null, c.args().get(0), c.args().get(1), List.of(), loc(start));
      }
      return new Expr.SomeIn(c.args().get(0), c.args().get(1), c.args().get(2), List.of(), loc(start));
    }
    p = save;
    List<Term.Var> vars = new ArrayList<>();
    do {
      Token n = peek();
      if (n.kind() != Kind.IDENT || keyword(n.text())) throw error(n, "expected a variable name after 'some' but found " + n.describe());
      next();
      vars.add((Term.Var) varTerm(n));
    } while (accept(Kind.COMMA));
    return new Expr.SomeDecl(List.copyOf(vars), List.of(), loc(start));
  }

  private Expr every() {
    Token start = next();
    Term first = termRelation(false);
    Term key = null;
    Term value;
    if (accept(Kind.COMMA)) {
      key = first;
      value = termRelation(false);
    } else {
      value = first;
    }
    if (!atKeyword("in")) throw error(peek(), "expected 'in' in every expression but found " + peek().describe());
    next();
    Term domain = termRelation(false);
    Body body = braceBody();
    return new Expr.Every(key, value, domain, body, List.of(), loc(start));
  }

  // ---------------------------------------------------------------- terms with operators

  /**
   * Full infix term. keyVal allows "k, v in xs"; noOr stops before a top-level '|'
   * (so comprehension heads can be told from unions).
   */
  private Term termInfix(boolean keyVal, boolean noOr) {
    Term lhs = termRelation(noOr);
    while (true) {
      if (keyVal && at(Kind.COMMA)) {
        int save = p;
        next();
        Term lhs2 = termRelation(noOr);
        if (atKeyword("in")) {
          Token op = next();
          Term rhs = termRelation(noOr);
          lhs = call("internal.member_3", op, lhs, lhs2, rhs);
          continue;
        }
        p = save;
        return lhs;
      }
      if (atKeyword("in")) {
        Token op = next();
        Term rhs = termRelation(noOr);
        lhs = call("internal.member_2", op, lhs, rhs);
        continue;
      }
      return lhs;
    }
  }

  private Term termRelation(boolean noOr) {
    Term lhs = termOr(noOr);
    while (true) {
      String op = switch (peek().kind()) {
        case EQ -> "equal";
        case NEQ -> "neq";
        case LT -> "lt";
        case LTE -> "lte";
        case GT -> "gt";
        case GTE -> "gte";
        default -> null;
      };
      if (op == null) return lhs;
      Token t = next();
      lhs = call(op, t, lhs, termOr(noOr));
    }
  }

  private Term termOr(boolean noOr) {
    Term lhs = termAnd();
    while (!noOr && at(Kind.BAR)) {
      Token t = next();
      lhs = call("or", t, lhs, termAnd());
    }
    return lhs;
  }

  private Term termAnd() {
    Term lhs = termArith();
    while (at(Kind.AMP)) {
      Token t = next();
      lhs = call("and", t, lhs, termArith());
    }
    return lhs;
  }

  private Term termArith() {
    Term lhs = termFactor();
    while (at(Kind.PLUS) || at(Kind.MINUS)) {
      Token t = next();
      lhs = call(t.kind() == Kind.PLUS ? "plus" : "minus", t, lhs, termFactor());
    }
    return lhs;
  }

  private Term termFactor() {
    Term lhs = term();
    while (at(Kind.STAR) || at(Kind.SLASH) || at(Kind.PERCENT)) {
      Token t = next();
      String op = t.kind() == Kind.STAR ? "mul" : t.kind() == Kind.SLASH ? "div" : "rem";
      lhs = call(op, t, lhs, term());
    }
    return lhs;
  }

  private Term call(String op, Token at, Term... args) {
    Location l = args[0].loc();
    return new Term.Call(new Term.Var(op, loc(at)), List.of(args), l);
  }

  // ---------------------------------------------------------------- primary terms

  private Term term() {
    Token t = peek();
    Term base;
    switch (t.kind()) {
      case NUMBER -> {
        next();
        base = new Term.Scalar(number(t, t.text()), loc(t));
      }
      case STRING, RAW_STRING -> {
        next();
        base = new Term.Scalar(StringValue.of(t.text()), loc(t));
      }
      case TEMPLATE, RAW_TEMPLATE -> {
        next();
        base = template(t);
      }
      case MINUS -> {
        next();
        Token n = peek();
        if (n.kind() == Kind.NUMBER && !n.spaceBefore()) {
          next();
          base = new Term.Scalar(number(n, "-" + n.text()), loc(t));
        } else {
          Term operand = term();
          return new Term.Call(new Term.Var("minus", loc(t)),
              List.of(new Term.Scalar(NumberValue.ZERO, loc(t)), operand), loc(t));
        }
      }
      case LBRACK -> base = arrayOrCompr();
      case LBRACE -> base = setOrObject();
      case LPAREN -> {
        next();
        base = termInfix(true, false);
        expect(Kind.RPAREN, "')'");
      }
      case IDENT -> {
        next();
        boolean refHead = (at(Kind.DOT) && peek(1).kind() == Kind.IDENT || at(Kind.LBRACK)) && !peek().spaceBefore();
        switch (refHead ? "" : t.text()) {
          case "true" -> base = new Term.Scalar(BooleanValue.TRUE, loc(t));
          case "false" -> base = new Term.Scalar(BooleanValue.FALSE, loc(t));
          case "null" -> base = new Term.Scalar(NullValue.INSTANCE, loc(t));
          default -> {
            if (t.text().equals("set") && at(Kind.LPAREN) && !peek().spaceBefore() && peek(1).kind() == Kind.RPAREN) {
              next();
              next();
              base = new Term.SetLit(List.of(), loc(t));
            } else {
              // 'contains' is a keyword only in rule heads; elsewhere it is the builtin's name
              boolean logicCall = (t.text().equals("and") || t.text().equals("or")) && at(Kind.LPAREN);
              if (keyword(t.text()) && !t.text().equals("contains") && !refHead && !logicCall) {
                throw error(t, "unexpected keyword '" + t.text() + "'");
              }
              base = varTerm(t);
            }
          }
        }
      }
      default -> throw error(t, "expected a term but found " + t.describe());
    }
    return postfix(base);
  }

  private Term varTerm(Token t) {
    if (t.text().equals("_")) {
      return new Term.Var("$" + (wildcardBase[0]++), loc(t));
    }
    return new Term.Var(t.text(), loc(t));
  }

  private NumberValue number(Token t, String text) {
    try {
      return NumberValue.parse(text);
    } catch (NumberFormatException e) {
      throw error(t, "invalid number " + text);
    }
  }

  /** .name, [term] and (args) directly attached to a term. */
  private Term postfix(Term base) {
    Term head = base;
    List<Term> path = new ArrayList<>();
    while (true) {
      Token t = peek();
      if (t.spaceBefore()) break;
      if (t.kind() == Kind.DOT) {
        next();
        Token n = peek();
        if (n.kind() != Kind.IDENT) throw error(n, "expected a name after '.' but found " + n.describe());
        next();
        path.add(new Term.Scalar(StringValue.of(n.text()), loc(n)));
      } else if (t.kind() == Kind.LBRACK) {
        next();
        path.add(termInfix(false, false));
        expect(Kind.RBRACK, "']'");
      } else if (t.kind() == Kind.LPAREN) {
        Term operator = path.isEmpty() ? head : new Term.Ref(head, List.copyOf(path), head.loc());
        if (!isCallable(operator)) throw error(t, "cannot call " + operator + ": expected a function name");
        next();
        List<Term> args = new ArrayList<>();
        while (!at(Kind.RPAREN)) {
          args.add(termInfix(false, false));
          if (!accept(Kind.COMMA)) break;
        }
        expect(Kind.RPAREN, "')' to close the call");
        head = new Term.Call(operator, List.copyOf(args), operator.loc());
        path = new ArrayList<>();
      } else {
        break;
      }
    }
    if (path.isEmpty()) return head;
    return new Term.Ref(head, List.copyOf(path), head.loc());
  }

  private static boolean isCallable(Term t) {
    if (t instanceof Term.Var) return true;
    if (t instanceof Term.Ref r && r.head() instanceof Term.Var) {
      for (Term s : r.path()) {
        if (!(s instanceof Term.Scalar sc && sc.value() instanceof StringValue)) return false;
      }
      return true;
    }
    return false;
  }

  private Term arrayOrCompr() {
    Token open = next();
    if (accept(Kind.RBRACK)) return new Term.ArrayLit(List.of(), loc(open));
    Term first = termInfix(false, true);
    if (at(Kind.BAR)) {
      next();
      Body body = query(Kind.RBRACK);
      expect(Kind.RBRACK, "']' to close the array comprehension");
      return new Term.ArrayCompr(first, body, loc(open));
    }
    List<Term> items = new ArrayList<>();
    items.add(first);
    while (accept(Kind.COMMA)) {
      if (at(Kind.RBRACK)) break;
      items.add(termInfix(false, false));
    }
    expect(Kind.RBRACK, "']' or ','");
    return new Term.ArrayLit(List.copyOf(items), loc(open));
  }

  private Term setOrObject() {
    Token open = next();
    if (accept(Kind.RBRACE)) return new Term.ObjectLit(List.of(), List.of(), loc(open));
    Term first = termInfix(false, true);
    if (accept(Kind.COLON)) {
      Term firstVal = termInfix(false, true);
      if (at(Kind.BAR)) {
        next();
        Body body = query(Kind.RBRACE);
        expect(Kind.RBRACE, "'}' to close the object comprehension");
        return new Term.ObjectCompr(first, firstVal, body, loc(open));
      }
      List<Term> keys = new ArrayList<>();
      List<Term> vals = new ArrayList<>();
      keys.add(first);
      vals.add(firstVal);
      while (accept(Kind.COMMA)) {
        if (at(Kind.RBRACE)) break;
        keys.add(termInfix(false, false));
        expect(Kind.COLON, "':' in object");
        vals.add(termInfix(false, false));
      }
      expect(Kind.RBRACE, "'}' or ','");
      return new Term.ObjectLit(List.copyOf(keys), List.copyOf(vals), loc(open));
    }
    if (at(Kind.BAR)) {
      next();
      Body body = query(Kind.RBRACE);
      expect(Kind.RBRACE, "'}' to close the set comprehension");
      return new Term.SetCompr(first, body, loc(open));
    }
    List<Term> items = new ArrayList<>();
    items.add(first);
    while (accept(Kind.COMMA)) {
      if (at(Kind.RBRACE)) break;
      items.add(termInfix(false, false));
    }
    expect(Kind.RBRACE, "'}' or ','");
    return new Term.SetLit(List.copyOf(items), loc(open));
  }

  // ---------------------------------------------------------------- template strings

  private Term template(Token t) {
    boolean raw = t.kind() == Kind.RAW_TEMPLATE;
    String content = t.text();
    int base = t.start() + 2;
    List<Object> parts = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    Lexer helper = new Lexer(src, file);
    int i = 0;
    while (i < content.length()) {
      char c = content.charAt(i);
      if (c == '\\' && i + 1 < content.length() && content.charAt(i + 1) == '{') {
        lit.append('{');
        i += 2;
      } else if (c == '\\' && !raw) {
        i = helper.escape(lit, base + i, t.start(), true) - base;
      } else if (c == '{') {
        if (lit.length() > 0) {
          parts.add(lit.toString());
          lit.setLength(0);
        }
        int exprStart = base + i + 1;
        int close = helper.skipBalanced(exprStart, t.start()) - 1;
        int line = t.line();
        int lineStart = t.start() - (t.column() - 1);
        for (int k = t.start(); k < exprStart; k++) {
          if (src.charAt(k) == '\n') {
            line++;
            lineStart = k + 1;
          }
        }
        Lexer sub = new Lexer(src, file, exprStart, close, line, lineStart).run();
        Parser ps = new Parser(src, file, sub, v1, wildcardBase);
        ps.futureKeywords.addAll(futureKeywords);
        ps.logicAllowed = logicAllowed;
        ps.andKeyword = andKeyword;
        ps.orKeyword = orKeyword;
        if (ps.at(Kind.EOF)) throw error(t, "empty template expression");
        Expr e = ps.literal();
        if (!ps.at(Kind.EOF)) throw ps.error(ps.peek(), "unexpected " + ps.peek().describe() + " in template expression");
        if (!(e instanceof Expr.TermExpr)) throw error(t, "template expressions must be terms");
        parts.add(e);
        i = close + 1 - base;
      } else {
        lit.append(c);
        i++;
      }
    }
    if (lit.length() > 0) parts.add(lit.toString());
    return new Term.TemplateString(List.copyOf(parts), loc(t));
  }

  // ---------------------------------------------------------------- annotations

  /**
   * METADATA blocks as OPA reads them: a comment in column 1 starting with METADATA, followed by
   * the comments on the next lines that are also in column 1 (another METADATA line starts a new
   * block). Each block belongs to the first statement below it.
   */
  private List<Module.Annotation> annotations(Token pkgTok, List<Module.Import> imports, List<Rule> rules) {
    List<Module.Annotation> out = new ArrayList<>();
    for (int i = 0; i < comments.size(); i++) {
      Lexer.Comment c = comments.get(i);
      if (!isMetadataComment(c)) continue;
      StringBuilder yaml = new StringBuilder();
      int j = i + 1;
      while (j < comments.size()) {
        Lexer.Comment cur = comments.get(j);
        if (cur.column() != 1 || cur.line() != comments.get(j - 1).line() + 1 || isMetadataComment(cur)) break;
        String text = cur.text();
        yaml.append(text.startsWith(" ") ? text.substring(1) : text).append('\n');
        j++;
      }
      out.add(attach(yaml.toString(), new Location(file, c.line(), c.column(), 0), pkgTok, imports, rules));
      i = j - 1;
    }
    return out;
  }

  private static boolean isMetadataComment(Lexer.Comment c) {
    return c.column() == 1 && c.text().strip().startsWith("METADATA");
  }

  private Module.Annotation attach(String yaml, Location at, Token pkgTok, List<Module.Import> imports, List<Rule> rules) {
    if (pkgTok.line() > at.line()) return new Module.Annotation(yaml, at, Module.Target.PACKAGE, -1);
    for (Module.Import imp : imports) {
      if (imp.loc().line() > at.line()) return new Module.Annotation(yaml, at, Module.Target.IMPORT, -1);
    }
    for (int r = 0; r < rules.size(); r++) {
      if (rules.get(r).loc().line() > at.line()) return new Module.Annotation(yaml, at, Module.Target.RULE, r);
    }
    return new Module.Annotation(yaml, at, Module.Target.NONE, -1);
  }
}
