package dev.postee.rego.builtins;

import dev.postee.rego.builtins.GoFmt.GoBigInt;
import dev.postee.rego.builtins.GoFmt.GoBool;
import dev.postee.rego.builtins.GoFmt.GoFloat;
import dev.postee.rego.builtins.GoFmt.GoInt;
import dev.postee.rego.builtins.GoFmt.GoMap;
import dev.postee.rego.builtins.GoFmt.GoSlice;
import dev.postee.rego.builtins.GoFmt.GoString;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Formatter;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import dev.postee.rego.value.Values;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Go's text/template, as strings.render_template uses it: the variables object is decoded the way
 * OPA's ast.As decodes it (objects become map[string]interface {}, arrays []interface {}, numbers
 * json.Number), the template is parsed with Go's grammar (actions, pipelines, variables, if / else
 * if / range / with / define / template / block, break and continue, trim markers, comments) and
 * executed with Go's builtin functions. A missing value prints as {@code <undefined>}.
 */
final class GoTextTemplate {
  private GoTextTemplate() {}

  static final String NO_VALUE = "<undefined>";
  private static final String NAME = "template";
  private static final int MAX_DEPTH = 100_000;

  /** Parsed templates are immutable, so policies that render the same text parse it once. */
  private static final RegexBuiltins.CompiledCache<Map<String, Node.ListNode>> PARSED =
      new RegexBuiltins.CompiledCache<>(256);

  static String render(BuiltinContext ctx, String text, ObjectValue vars) {
    Object data = toGo(vars);
    try {
      Map<String, Node.ListNode> templates = PARSED.get(text, t -> new Parser(t).parseAll());
      Exec exec = new Exec(ctx, text, templates);
      exec.vars.add(new Var("$", data));
      exec.walk(data, templates.get(NAME), 0);
      return exec.out.toString();
    } catch (StackOverflowError e) {
      // Go allows 100000 nested template calls; the JVM stack gives out earlier.
      throw BuiltinException.error("template: " + NAME + ": exceeded maximum template depth");
    }
  }

  // ---- decoding the variables (OPA's ast.As: Rego text read back as JSON) --------------------

  static Object toGo(Value v) {
    switch (v) {
      case NullValue n -> { return null; }
      case BooleanValue b -> { return new GoBool(b.value()); }
      case NumberValue n -> { return new GoString(n.toString(), "json.Number"); }
      case StringValue s -> {
        checkJsonCompatible(s.value());
        return GoString.of(s.value());
      }
      case ArrayValue a -> {
        List<Object> elems = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) elems.add(toGo(a.get(i)));
        return new GoSlice(elems);
      }
      case ObjectValue o -> {
        Map<String, Object> m = new TreeMap<>(Values::compareStrings);
        for (int i = 0; i < o.size(); i++) {
          if (!(o.keyAt(i) instanceof StringValue key)) {
            throw jsonError("invalid character '" + Formatter.rego(o.keyAt(i)).charAt(0)
                + "' looking for beginning of object key string");
          }
          checkJsonCompatible(key.value());
          m.put(key.value(), toGo(o.valueAt(i)));
        }
        return new GoMap(m);
      }
      case SetValue s -> {
        if (s.isEmpty()) throw jsonError("invalid character 's' looking for beginning of value");
        if (s.get(0) instanceof StringValue) {
          throw jsonError("invalid character '" + (s.size() > 1 ? ',' : '}') + "' after object key");
        }
        throw jsonError("invalid character '" + Formatter.rego(s.get(0)).charAt(0)
            + "' looking for beginning of object key string");
      }
    }
  }

  /** Go quotes some characters with escapes that JSON does not read back (\a, \v, \x.., \U...). */
  private static void checkJsonCompatible(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (GoFmt.isPrint(cp)) continue;
      char escape = switch (cp) {
        case 0x07 -> 'a';
        case 0x0B -> 'v';
        case '\b', '\f', '\n', '\r', '\t' -> 0;
        default -> cp < 0x20 || cp == 0x7F ? 'x' : cp >= 0x10000 ? 'U' : 0;
      };
      if (escape != 0) throw jsonError("invalid character '" + escape + "' in string escape code");
    }
  }

  private static BuiltinException jsonError(String message) {
    return BuiltinException.error(message);
  }

  // ---- lexer ---------------------------------------------------------------------------------

  private enum T {
    TEXT, LEFT_DELIM, RIGHT_DELIM, SPACE, IDENTIFIER, FIELD, VARIABLE, STRING, RAW_STRING,
    CHAR_CONSTANT, NUMBER, BOOL, DOT, PIPE, LEFT_PAREN, RIGHT_PAREN, DECLARE, ASSIGN, CHAR, NIL,
    EOF, ERROR, BLOCK, BREAK, CONTINUE, DEFINE, ELSE, END, IF, RANGE, TEMPLATE, WITH
  }

  private record Item(T type, String val, int pos, int line) {
    @Override
    public String toString() {
      return switch (type) {
        case EOF -> "EOF";
        case ERROR -> val;
        case BLOCK, BREAK, CONTINUE, DEFINE, ELSE, END, IF, RANGE, TEMPLATE, WITH, NIL -> "<" + val + ">";
        default -> val.length() > 10 ? goQuote(val.substring(0, 10)) + "..." : goQuote(val);
      };
    }
  }

  private static final Map<String, T> KEYWORDS = Map.ofEntries(
      Map.entry("block", T.BLOCK), Map.entry("break", T.BREAK), Map.entry("continue", T.CONTINUE),
      Map.entry("define", T.DEFINE), Map.entry("else", T.ELSE), Map.entry("end", T.END),
      Map.entry("if", T.IF), Map.entry("range", T.RANGE), Map.entry("nil", T.NIL),
      Map.entry("template", T.TEMPLATE), Map.entry("with", T.WITH));

  private static final class Lexer {
    final String input;
    final List<Item> items = new ArrayList<>();
    int pos;
    int start;
    int line = 1;
    int startLine = 1;
    int parenDepth;

    Lexer(String input) {
      this.input = input;
      lex();
    }

    private void lex() {
      boolean inside = false;
      while (true) {
        if (!inside) {
          int x = input.indexOf("{{", pos);
          if (x < 0) {
            pos = input.length();
            if (pos > start) emit(T.TEXT);
            emit(T.EOF);
            return;
          }
          if (x > pos) {
            pos = x;
            int trim = hasLeftTrimMarker(x + 2) ? rightTrimLength(input, start, pos) : 0;
            pos -= trim;
            if (pos > start) emit(T.TEXT);
            pos += trim;
            ignore();
          }
          pos += 2;
          boolean trimSpace = hasLeftTrimMarker(pos);
          int afterMarker = trimSpace ? 2 : 0;
          if (input.startsWith("/*", pos + afterMarker)) {
            pos += afterMarker;
            ignore();
            if (!lexComment()) return;
            continue;
          }
          emitAt(T.LEFT_DELIM, start, pos);
          pos += afterMarker;
          ignore();
          parenDepth = 0;
          inside = true;
          continue;
        }
        int[] delim = atRightDelim();
        if (delim[0] == 1) {
          if (parenDepth != 0) {
            error("unclosed left paren");
            return;
          }
          if (delim[1] == 1) {
            pos += 2;
            ignore();
          }
          pos += 2;
          emit(T.RIGHT_DELIM);
          if (delim[1] == 1) {
            pos += leftTrimLength(pos);
            ignore();
          }
          inside = false;
          continue;
        }
        if (!lexInsideAction()) return;
      }
    }

    private boolean lexComment() {
      pos += 2;
      int x = input.indexOf("*/", pos);
      if (x < 0) return error("unclosed comment");
      pos = x + 2;
      int[] delim = atRightDelim();
      if (delim[0] == 0) return error("comment ends before closing delimiter");
      if (delim[1] == 1) pos += 2;
      pos += 2;
      if (delim[1] == 1) pos += leftTrimLength(pos);
      ignore();
      return true;
    }

    private boolean lexInsideAction() {
      int r = next();
      if (r < 0) return error("unclosed action");
      if (isSpace(r)) {
        backup(r);
        return lexSpace();
      }
      switch (r) {
        case '=' -> emit(T.ASSIGN);
        case ':' -> {
          if (next() != '=') return error("expected :=");
          emit(T.DECLARE);
        }
        case '|' -> emit(T.PIPE);
        case '"' -> { return lexQuote(); }
        case '`' -> { return lexRawQuote(); }
        case '$' -> { return lexFieldOrVariable(T.VARIABLE); }
        case '\'' -> { return lexChar(); }
        case '(' -> {
          parenDepth++;
          emit(T.LEFT_PAREN);
        }
        case ')' -> {
          parenDepth--;
          if (parenDepth < 0) return error("unexpected right paren");
          emit(T.RIGHT_PAREN);
        }
        default -> {
          if (r == '.' && pos < input.length() && (input.charAt(pos) < '0' || input.charAt(pos) > '9')) {
            return lexFieldOrVariable(T.FIELD);
          }
          if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
            backup(r);
            return lexNumber();
          }
          if (isAlphaNumeric(r)) {
            backup(r);
            return lexIdentifier();
          }
          if (r < 0x80 && GoFmt.isPrint(r)) {
            emit(T.CHAR);
          } else {
            return error("unrecognized character in action: " + unicodeName(r));
          }
        }
      }
      return true;
    }

    private boolean lexSpace() {
      int numSpaces = 0;
      while (pos < input.length() && isSpace(input.charAt(pos))) {
        pos++;
        numSpaces++;
      }
      // A space followed by "-}}" belongs to the closing delimiter.
      if (input.startsWith("-}}", pos) && pos > 0) {
        pos--;
        if (numSpaces == 1) return true;
      }
      emit(T.SPACE);
      return true;
    }

    private boolean lexIdentifier() {
      int r;
      do {
        r = next();
      } while (r >= 0 && isAlphaNumeric(r));
      if (r >= 0) backup(r);
      String word = input.substring(start, pos);
      if (!atTerminator()) return error("bad character " + unicodeName(peek()));
      T keyword = KEYWORDS.get(word);
      if (keyword != null) {
        emit(keyword);
      } else if (word.equals("true") || word.equals("false")) {
        emit(T.BOOL);
      } else {
        emit(T.IDENTIFIER);
      }
      return true;
    }

    private boolean lexFieldOrVariable(T type) {
      if (atTerminator()) {
        emit(type == T.VARIABLE ? T.VARIABLE : T.DOT);
        return true;
      }
      int r;
      do {
        r = next();
      } while (r >= 0 && isAlphaNumeric(r));
      if (r >= 0) backup(r);
      if (!atTerminator()) return error("bad character " + unicodeName(peek()));
      emit(type);
      return true;
    }

    private boolean lexChar() {
      while (true) {
        int r = next();
        if (r == '\\') {
          r = next();
          if (r >= 0 && r != '\n') continue;
        }
        if (r < 0 || r == '\n') return error("unterminated character constant");
        if (r == '\'') break;
      }
      emit(T.CHAR_CONSTANT);
      return true;
    }

    private boolean lexQuote() {
      while (true) {
        int r = next();
        if (r == '\\') {
          r = next();
          if (r >= 0 && r != '\n') continue;
        }
        if (r < 0 || r == '\n') return error("unterminated quoted string");
        if (r == '"') break;
      }
      emit(T.STRING);
      return true;
    }

    private boolean lexRawQuote() {
      while (true) {
        int r = next();
        if (r < 0) return error("unterminated raw quoted string");
        if (r == '`') break;
      }
      emit(T.RAW_STRING);
      return true;
    }

    private boolean lexNumber() {
      accept("+-");
      String digits = "0123456789_";
      if (accept("0")) {
        if (accept("xX")) {
          digits = "0123456789abcdefABCDEF_";
        } else if (accept("oO")) {
          digits = "01234567_";
        } else if (accept("bB")) {
          digits = "01_";
        }
      }
      acceptRun(digits);
      if (accept(".")) acceptRun(digits);
      if (digits.length() == 11 && accept("eE")) {
        accept("+-");
        acceptRun("0123456789_");
      }
      if (digits.length() == 23 && accept("pP")) {
        accept("+-");
        acceptRun("0123456789_");
      }
      accept("i");
      int p = peek();
      if (p >= 0 && isAlphaNumeric(p)) {
        next();
        return error("bad number syntax: " + goQuote(input.substring(start, pos)));
      }
      emit(T.NUMBER);
      return true;
    }

    private boolean accept(String valid) {
      if (pos < input.length() && valid.indexOf(input.charAt(pos)) >= 0) {
        pos++;
        return true;
      }
      return false;
    }

    private void acceptRun(String valid) {
      while (pos < input.length() && valid.indexOf(input.charAt(pos)) >= 0) pos++;
    }

    private boolean atTerminator() {
      int r = peek();
      if (r < 0 || isSpace(r)) return true;
      return switch (r) {
        case '.', ',', '|', ':', ')', '(' -> true;
        default -> input.startsWith("}}", pos);
      };
    }

    /** {delimiter present, trim marker present} at the current position. */
    private int[] atRightDelim() {
      if (pos + 1 < input.length() && isSpace(input.charAt(pos)) && input.charAt(pos + 1) == '-'
          && input.startsWith("}}", pos + 2)) {
        return new int[] {1, 1};
      }
      return new int[] {input.startsWith("}}", pos) ? 1 : 0, 0};
    }

    private boolean hasLeftTrimMarker(int at) {
      return at + 1 < input.length() && input.charAt(at) == '-' && isSpace(input.charAt(at + 1));
    }

    private static int rightTrimLength(String s, int from, int to) {
      int end = to;
      while (end > from && isSpace(s.charAt(end - 1))) end--;
      return to - end;
    }

    private int leftTrimLength(int from) {
      int i = from;
      while (i < input.length() && isSpace(input.charAt(i))) i++;
      return i - from;
    }

    private int next() {
      if (pos >= input.length()) return -1;
      int cp = input.codePointAt(pos);
      pos += Character.charCount(cp);
      if (cp == '\n') line++;
      return cp;
    }

    private int peek() {
      return pos >= input.length() ? -1 : input.codePointAt(pos);
    }

    private void backup(int cp) {
      pos -= Character.charCount(cp);
      if (cp == '\n') line--;
    }

    private void ignore() {
      countLines(start, pos);
      start = pos;
      startLine = line;
    }

    private void countLines(int from, int to) {
      line = startLine;
      for (int i = from; i < to; i++) if (input.charAt(i) == '\n') line++;
    }

    private void emit(T type) {
      emitAt(type, start, pos);
    }

    private void emitAt(T type, int from, int to) {
      items.add(new Item(type, input.substring(from, to), from, startLine));
      countLines(from, to);
      start = to;
      startLine = line;
    }

    private boolean error(String message) {
      items.add(new Item(T.ERROR, message, start, line));
      return false;
    }

    static boolean isSpace(int r) {
      return r == ' ' || r == '\t' || r == '\r' || r == '\n';
    }

    static boolean isAlphaNumeric(int r) {
      return r == '_' || Character.isLetter(r) || Character.isDigit(r);
    }
  }

  static String unicodeName(int r) {
    String hex = Integer.toHexString(r).toUpperCase(Locale.ROOT);
    return "U+" + "0".repeat(Math.max(0, 4 - hex.length())) + hex
        + (GoFmt.isPrint(r) ? " '" + new String(Character.toChars(r)) + "'" : "");
  }

  static String goQuote(String s) {
    StringBuilder sb = new StringBuilder();
    GoFmt.quote(sb, s, '"', false);
    return sb.toString();
  }

  // ---- parse tree ----------------------------------------------------------------------------

  private sealed interface Node {
    int pos();

    record ListNode(int pos, List<Node> nodes) implements Node {
      @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) sb.append(n);
        return sb.toString();
      }
    }

    record TextNode(int pos, String text) implements Node {
      @Override public String toString() { return goQuote(text); }
    }

    record Pipe(int pos, boolean isAssign, List<String> decl, List<Cmd> cmds) implements Node {
      @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        if (!decl.isEmpty()) sb.append(String.join(", ", decl)).append(isAssign ? " = " : " := ");
        for (int i = 0; i < cmds.size(); i++) {
          if (i > 0) sb.append(" | ");
          sb.append(cmds.get(i));
        }
        return sb.toString();
      }
    }

    record Cmd(int pos, List<Node> args) implements Node {
      @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
          if (i > 0) sb.append(' ');
          Node arg = args.get(i);
          if (arg instanceof Pipe) {
            sb.append('(').append(arg).append(')');
          } else {
            sb.append(arg);
          }
        }
        return sb.toString();
      }
    }

    record ActionNode(int pos, Pipe pipe) implements Node {
      @Override public String toString() { return "{{" + pipe + "}}"; }
    }

    record FieldNode(int pos, List<String> ident) implements Node {
      @Override public String toString() { return "." + String.join(".", ident); }
    }

    record ChainNode(int pos, Node node, List<String> fields) implements Node {
      @Override public String toString() {
        String base = node instanceof Pipe ? "(" + node + ")" : node.toString();
        return base + "." + String.join(".", fields);
      }
    }

    record IdentifierNode(int pos, String name) implements Node {
      @Override public String toString() { return name; }
    }

    record VariableNode(int pos, List<String> ident) implements Node {
      @Override public String toString() { return String.join(".", ident); }
    }

    record DotNode(int pos) implements Node {
      @Override public String toString() { return "."; }
    }

    record NilNode(int pos) implements Node {
      @Override public String toString() { return "nil"; }
    }

    record BoolNode(int pos, boolean value) implements Node {
      @Override public String toString() { return Boolean.toString(value); }
    }

    record NumberNode(int pos, String text, Object value) implements Node {
      @Override public String toString() { return text; }
    }

    record StringNode(int pos, String quoted, String text) implements Node {
      @Override public String toString() { return quoted; }
    }

    /** if, range and with share this shape. */
    record Control(int pos, T kind, Pipe pipe, ListNode list, ListNode elseList) implements Node {
      @Override public String toString() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        return "{{" + name + " " + pipe + "}}" + list + (elseList == null ? "" : "{{else}}" + elseList)
            + "{{end}}";
      }
    }

    record TemplateNode(int pos, String name, Pipe pipe) implements Node {
      @Override public String toString() {
        return "{{template " + goQuote(name) + (pipe == null ? "" : " " + pipe) + "}}";
      }
    }

    record BreakNode(int pos) implements Node {
      @Override public String toString() { return "{{break}}"; }
    }

    record ContinueNode(int pos) implements Node {
      @Override public String toString() { return "{{continue}}"; }
    }

    /** Markers returned by itemList for {{end}} and {{else}}. */
    record EndNode(int pos) implements Node {
      @Override public String toString() { return "{{end}}"; }
    }

    record ElseNode(int pos) implements Node {
      @Override public String toString() { return "{{else}}"; }
    }
  }

  // ---- parser --------------------------------------------------------------------------------

  private static final Set<String> FUNCTIONS = Set.of("and", "call", "html", "index", "slice", "js",
      "len", "not", "or", "print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne");

  private static final class Parser {
    final List<Item> items;
    final Map<String, Node.ListNode> templates = new HashMap<>();
    int next;
    int rangeDepth;
    List<String> vars = new ArrayList<>(List.of("$"));
    int actionLine;

    Parser(String text) {
      this.items = new Lexer(text).items;
    }

    Map<String, Node.ListNode> parseAll() {
      List<Node> root = new ArrayList<>();
      int rootPos = peek().pos();
      while (peek().type() != T.EOF) {
        if (peek().type() == T.LEFT_DELIM) {
          int mark = next;
          advance();
          if (nextNonSpace().type() == T.DEFINE) {
            parseDefinition();
            continue;
          }
          next = mark;
        }
        Node n = textOrAction();
        if (n instanceof Node.EndNode || n instanceof Node.ElseNode) throw error("unexpected " + n);
        root.add(n);
      }
      Node.ListNode main = new Node.ListNode(rootPos, root);
      // A template named like the main one replaces it only when the main body is empty.
      if (!templates.containsKey(NAME) || !isEmptyTree(main)) templates.put(NAME, main);
      return templates;
    }

    private void parseDefinition() {
      Item nameItem = nextNonSpace();
      if (nameItem.type() != T.STRING && nameItem.type() != T.RAW_STRING) {
        throw unexpected(nameItem, "define clause");
      }
      String name = unquote(nameItem.val());
      expect(T.RIGHT_DELIM, "define clause");
      List<String> savedVars = vars;
      vars = new ArrayList<>(List.of("$"));
      Node[] list = itemList();
      if (!(list[1] instanceof Node.EndNode)) throw error("unexpected " + list[1] + " in define clause");
      vars = savedVars;
      addTemplate(name, (Node.ListNode) list[0]);
    }

    private void addTemplate(String name, Node.ListNode body) {
      Node.ListNode existing = templates.get(name);
      if (existing != null && !isEmptyTree(existing) && !isEmptyTree(body)) {
        throw error("template: multiple definition of template " + goQuote(name));
      }
      if (existing == null || !isEmptyTree(body)) templates.put(name, body);
    }

    private static boolean isEmptyTree(Node.ListNode list) {
      for (Node n : list.nodes()) {
        if (!(n instanceof Node.TextNode t) || !t.text().isBlank()) return false;
      }
      return true;
    }

    /** Returns {list, terminator}: the terminator is the {{end}} or {{else}} that ended the list. */
    private Node[] itemList() {
      List<Node> nodes = new ArrayList<>();
      int pos = peekNonSpace().pos();
      while (peekNonSpace().type() != T.EOF) {
        Node n = textOrAction();
        if (n instanceof Node.EndNode || n instanceof Node.ElseNode) {
          return new Node[] {new Node.ListNode(pos, nodes), n};
        }
        nodes.add(n);
      }
      throw error("unexpected EOF");
    }

    private Node textOrAction() {
      Item token = nextNonSpace();
      return switch (token.type()) {
        case TEXT -> new Node.TextNode(token.pos(), token.val());
        case LEFT_DELIM -> {
          actionLine = token.line();
          Node n = action();
          actionLine = 0;
          yield n;
        }
        default -> throw unexpected(token, "input");
      };
    }

    private Node action() {
      Item token = nextNonSpace();
      switch (token.type()) {
        case BLOCK -> { return blockControl(); }
        case BREAK, CONTINUE -> {
          boolean isBreak = token.type() == T.BREAK;
          Item t = nextNonSpace();
          if (t.type() != T.RIGHT_DELIM) throw unexpected(t, isBreak ? "{{break}}" : "{{continue}}");
          if (rangeDepth == 0) throw error(isBreak ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
          return isBreak ? new Node.BreakNode(token.pos()) : new Node.ContinueNode(token.pos());
        }
        case ELSE -> {
          Item peek = peekNonSpace();
          if (peek.type() == T.IF || peek.type() == T.WITH) return new Node.ElseNode(peek.pos());
          return new Node.ElseNode(expect(T.RIGHT_DELIM, "else").pos());
        }
        case END -> { return new Node.EndNode(expect(T.RIGHT_DELIM, "end").pos()); }
        case IF, RANGE, WITH -> { return control(token.type()); }
        case TEMPLATE -> {
          Item nameItem = nextNonSpace();
          String name = templateName(nameItem, "template clause");
          Node.Pipe pipe = null;
          if (nextNonSpace().type() != T.RIGHT_DELIM) {
            next--;
            pipe = pipeline("template clause", T.RIGHT_DELIM);
          }
          return new Node.TemplateNode(nameItem.pos(), name, pipe);
        }
        default -> {
          next--;
          return new Node.ActionNode(peek().pos(), pipeline("command", T.RIGHT_DELIM));
        }
      }
    }

    private Node blockControl() {
      Item nameItem = nextNonSpace();
      String name = templateName(nameItem, "block clause");
      Node.Pipe pipe = pipeline("block clause", T.RIGHT_DELIM);
      List<String> savedVars = vars;
      vars = new ArrayList<>(List.of("$"));
      Node[] list = itemList();
      vars = savedVars;
      if (!(list[1] instanceof Node.EndNode)) throw error("unexpected " + list[1] + " in block clause");
      addTemplate(name, (Node.ListNode) list[0]);
      return new Node.TemplateNode(nameItem.pos(), name, pipe);
    }

    private String templateName(Item token, String context) {
      if (token.type() != T.STRING && token.type() != T.RAW_STRING) throw unexpected(token, context);
      return unquote(token.val());
    }

    private Node control(T kind) {
      String context = kind.name().toLowerCase(Locale.ROOT);
      int varCount = vars.size();
      Node.Pipe pipe = pipeline(context, T.RIGHT_DELIM);
      if (kind == T.RANGE) rangeDepth++;
      Node[] list = itemList();
      if (kind == T.RANGE) rangeDepth--;
      Node.ListNode elseList = null;
      if (list[1] instanceof Node.ElseNode elseNode) {
        if ((kind == T.IF && peek().type() == T.IF) || (kind == T.WITH && peek().type() == T.WITH)) {
          advance();
          elseList = new Node.ListNode(elseNode.pos(), List.of(control(kind)));
        } else {
          Node[] rest = itemList();
          if (!(rest[1] instanceof Node.EndNode)) throw error("expected end; found " + rest[1]);
          elseList = (Node.ListNode) rest[0];
        }
      }
      vars = new ArrayList<>(vars.subList(0, varCount));
      return new Node.Control(pipe.pos(), kind, pipe, (Node.ListNode) list[0], elseList);
    }

    private Node.Pipe pipeline(String context, T end) {
      int pos = peekNonSpace().pos();
      boolean isAssign = false;
      List<String> decl = new ArrayList<>();
      while (peekNonSpace().type() == T.VARIABLE) {
        int mark = next;
        Item v = nextNonSpace();
        Item after = peekNonSpace();
        if (after.type() == T.ASSIGN || after.type() == T.DECLARE) {
          isAssign = after.type() == T.ASSIGN;
          nextNonSpace();
          decl.add(v.val());
          vars.add(v.val());
          break;
        }
        if (after.type() == T.CHAR && after.val().equals(",")) {
          nextNonSpace();
          decl.add(v.val());
          vars.add(v.val());
          if (context.equals("range") && decl.size() < 2) {
            T t = peekNonSpace().type();
            if (t == T.VARIABLE || t == T.RIGHT_DELIM || t == T.RIGHT_PAREN) continue;
            throw error("range can only initialize variables");
          }
          throw error("too many declarations in " + context);
        }
        next = mark;
        break;
      }
      List<Node.Cmd> cmds = new ArrayList<>();
      while (true) {
        Item token = nextNonSpace();
        if (token.type() == end) {
          if (cmds.isEmpty()) throw error("missing value for " + context);
          for (int i = 1; i < cmds.size(); i++) {
            Node first = cmds.get(i).args().get(0);
            if (first instanceof Node.BoolNode || first instanceof Node.DotNode || first instanceof Node.NilNode
                || first instanceof Node.NumberNode || first instanceof Node.StringNode) {
              throw error("non executable command in pipeline stage " + (i + 1));
            }
          }
          return new Node.Pipe(pos, isAssign, decl, cmds);
        }
        switch (token.type()) {
          case BOOL, CHAR_CONSTANT, DOT, FIELD, IDENTIFIER, NUMBER, NIL, RAW_STRING, STRING, VARIABLE,
              LEFT_PAREN -> {
            next--;
            cmds.add(command());
          }
          default -> throw unexpected(token, context);
        }
      }
    }

    private Node.Cmd command() {
      List<Node> args = new ArrayList<>();
      int pos = peekNonSpace().pos();
      while (true) {
        peekNonSpace();
        Node operand = operand();
        if (operand != null) args.add(operand);
        Item token = advance();
        if (token.type() == T.SPACE) continue;
        if (token.type() == T.RIGHT_DELIM || token.type() == T.RIGHT_PAREN) {
          next--;
        } else if (token.type() != T.PIPE) {
          throw unexpected(token, "operand");
        }
        break;
      }
      if (args.isEmpty()) throw error("empty command");
      return new Node.Cmd(pos, args);
    }

    private Node operand() {
      Node node = term();
      if (node == null) return null;
      if (peek().type() == T.FIELD) {
        int pos = peek().pos();
        List<String> fields = new ArrayList<>();
        while (peek().type() == T.FIELD) fields.add(advance().val().substring(1));
        switch (node) {
          case Node.FieldNode f -> {
            List<String> all = new ArrayList<>(f.ident());
            all.addAll(fields);
            node = new Node.FieldNode(pos, all);
          }
          case Node.VariableNode v -> {
            List<String> all = new ArrayList<>(v.ident());
            all.addAll(fields);
            node = new Node.VariableNode(pos, all);
          }
          case Node.BoolNode b -> throw error("unexpected . after term " + goQuote(b.toString()));
          case Node.StringNode s -> throw error("unexpected . after term " + goQuote(s.toString()));
          case Node.NumberNode n -> throw error("unexpected . after term " + goQuote(n.toString()));
          case Node.NilNode n -> throw error("unexpected . after term " + goQuote(n.toString()));
          case Node.DotNode d -> throw error("unexpected . after term " + goQuote(d.toString()));
          default -> node = new Node.ChainNode(pos, node, fields);
        }
      }
      return node;
    }

    private Node term() {
      Item token = nextNonSpace();
      switch (token.type()) {
        case IDENTIFIER -> {
          if (!FUNCTIONS.contains(token.val())) throw error("function " + goQuote(token.val()) + " not defined");
          return new Node.IdentifierNode(token.pos(), token.val());
        }
        case DOT -> { return new Node.DotNode(token.pos()); }
        case NIL -> { return new Node.NilNode(token.pos()); }
        case VARIABLE -> {
          List<String> ident = List.of(token.val().split("\\.", -1));
          if (!vars.contains(ident.get(0))) throw error("undefined variable " + goQuote(ident.get(0)));
          return new Node.VariableNode(token.pos(), ident);
        }
        case FIELD -> { return new Node.FieldNode(token.pos(), List.of(token.val().substring(1))); }
        case BOOL -> { return new Node.BoolNode(token.pos(), token.val().equals("true")); }
        case CHAR_CONSTANT, NUMBER -> { return number(token); }
        case LEFT_PAREN -> { return pipeline("parenthesized pipeline", T.RIGHT_PAREN); }
        case STRING, RAW_STRING -> { return new Node.StringNode(token.pos(), token.val(), unquote(token.val())); }
        default -> {
          next--;
          return null;
        }
      }
    }

    private Node number(Item token) {
      String text = token.val();
      if (token.type() == T.CHAR_CONSTANT) {
        int r = unquoteChar(text);
        return new Node.NumberNode(token.pos(), text, new GoInt(r, "int"));
      }
      if (text.endsWith("i")) throw error("complex constants are not supported: " + text);
      String clean = text.replace("_", "");
      boolean negative = clean.startsWith("-");
      String body = clean.startsWith("+") || negative ? clean.substring(1) : clean;
      try {
        int radix = 10;
        String digits = body;
        if (body.length() > 1 && body.charAt(0) == '0') {
          char p = Character.toLowerCase(body.charAt(1));
          if (p == 'x' || p == 'o' || p == 'b') {
            radix = p == 'x' ? 16 : p == 'o' ? 8 : 2;
            digits = body.substring(2);
          } else if (body.chars().allMatch(Character::isDigit)) {
            radix = 8; // a leading zero means octal for integers
            digits = body.substring(1);
          }
        }
        boolean isFloatSyntax = radix == 10 ? body.matches(".*[.eE].*") : radix == 16 && body.matches(".*[.pP].*");
        if (!isFloatSyntax) {
          BigInteger v = new BigInteger(digits.isEmpty() ? "0" : digits, radix);
          if (negative) v = v.negate();
          if (v.bitLength() >= 64) throw error(text + " overflows int");
          return new Node.NumberNode(token.pos(), text, new GoInt(v.longValue(), "int"));
        }
        double d = radix == 16 ? Double.parseDouble((negative ? "-" : "") + "0x" + digits
            + (digits.matches(".*[pP].*") ? "" : "p0")) : Double.parseDouble(clean);
        if (Double.isInfinite(d)) throw error("illegal number syntax: " + goQuote(text));
        return new Node.NumberNode(token.pos(), text, new GoFloat(d));
      } catch (NumberFormatException e) {
        throw error("illegal number syntax: " + goQuote(text));
      }
    }

    private int unquoteChar(String quoted) {
      String inner = unquoteGo(quoted.substring(1, quoted.length() - 1), '\'');
      if (inner == null || inner.codePointCount(0, inner.length()) != 1) {
        throw error("malformed character constant: " + quoted);
      }
      return inner.codePointAt(0);
    }

    private String unquote(String quoted) {
      if (quoted.startsWith("`")) return quoted.substring(1, quoted.length() - 1);
      String s = unquoteGo(quoted.substring(1, quoted.length() - 1), '"');
      if (s == null) throw error("invalid syntax");
      return s;
    }

    /**
     * strconv.Unquote's escape handling; null when the text is malformed. \x and octal escapes
     * are bytes, so runs of them are decoded together as UTF-8.
     */
    private static String unquoteGo(String s, char quote) {
      StringBuilder sb = new StringBuilder();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int i = 0; i < s.length(); ) {
        char c = s.charAt(i++);
        if (c == quote) return null;
        int byteValue = -1;
        if (c == '\\') {
          if (i >= s.length()) return null;
          char e = s.charAt(i++);
          switch (e) {
            case 'a' -> c = (char) 7;
            case 'b' -> c = '\b';
            case 'f' -> c = '\f';
            case 'n' -> c = '\n';
            case 'r' -> c = '\r';
            case 't' -> c = '\t';
            case 'v' -> c = (char) 0x0B;
            case '\\' -> c = '\\';
            case '\'', '"' -> {
              if (e != quote) return null;
              c = e;
            }
            case 'x', 'u', 'U' -> {
              int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
              if (i + n > s.length() || !s.substring(i, i + n).matches("[0-9a-fA-F]+")) return null;
              int v = Integer.parseUnsignedInt(s.substring(i, i + n), 16);
              i += n;
              if (e == 'x') {
                byteValue = v;
              } else {
                if (v > Character.MAX_CODE_POINT || (v >= 0xD800 && v <= 0xDFFF)) return null;
                flushBytes(sb, bytes);
                sb.appendCodePoint(v);
                continue;
              }
            }
            default -> {
              if (e < '0' || e > '7' || i + 2 > s.length() || !s.substring(i - 1, i + 2).matches("[0-7]{3}")) {
                return null;
              }
              byteValue = Integer.parseInt(s.substring(i - 1, i + 2), 8);
              if (byteValue > 255) return null;
              i += 2;
            }
          }
        }
        if (byteValue >= 0) {
          bytes.write(byteValue);
        } else {
          flushBytes(sb, bytes);
          sb.append(c);
        }
      }
      flushBytes(sb, bytes);
      return sb.toString();
    }

    private static void flushBytes(StringBuilder sb, ByteArrayOutputStream bytes) {
      if (bytes.size() == 0) return;
      sb.append(bytes.toString(StandardCharsets.UTF_8));
      bytes.reset();
    }

    // -- token stream helpers --

    private Item peek() {
      return items.get(Math.min(next, items.size() - 1));
    }

    private Item advance() {
      Item it = peek();
      if (next < items.size()) next++;
      return it;
    }

    private Item nextNonSpace() {
      Item it;
      do {
        it = advance();
      } while (it.type() == T.SPACE);
      return it;
    }

    private Item peekNonSpace() {
      Item it = nextNonSpace();
      next--;
      return it;
    }

    private Item expect(T type, String context) {
      Item it = nextNonSpace();
      if (it.type() != type) throw unexpected(it, context);
      return it;
    }

    private BuiltinException unexpected(Item token, String context) {
      if (token.type() == T.ERROR) {
        String extra = actionLine != 0 && actionLine != token.line()
            ? " in action started at " + NAME + ":" + actionLine : "";
        return errorAt(token.line(), token.val() + extra);
      }
      return error("unexpected " + token + " in " + context);
    }

    private BuiltinException error(String message) {
      return errorAt(items.get(Math.max(0, Math.min(next, items.size()) - 1)).line(), message);
    }

    private BuiltinException errorAt(int line, String message) {
      return BuiltinException.error("template: " + NAME + ":" + line + ": " + message);
    }
  }

  // ---- execution -----------------------------------------------------------------------------

  /** reflect's invalid Value: a missing map key, or a nil interface once a pipeline has ended. */
  private static final Object INVALID = new Object() {
    @Override public String toString() { return "<no value>"; }
  };

  private static final RuntimeException BREAK = new RuntimeException(null, null, false, false) {};
  private static final RuntimeException CONTINUE = new RuntimeException(null, null, false, false) {};

  private record Var(String name, Object value) {}

  /** The parameter kinds of Go's template functions, which decide how arguments are converted. */
  private enum Param { ANY, VALUE, STRING }

  private static final class Exec {
    final BuiltinContext ctx;
    final String text;
    final Map<String, Node.ListNode> templates;
    final StringBuilder out = new StringBuilder();
    List<Var> vars = new ArrayList<>();
    Node at;

    Exec(BuiltinContext ctx, String text, Map<String, Node.ListNode> templates) {
      this.ctx = ctx;
      this.text = text;
      this.templates = templates;
    }

    void walk(Object dot, Node node, int depth) {
      at = node;
      switch (node) {
        case Node.ActionNode a -> {
          Object val = evalPipeline(dot, a.pipe());
          if (a.pipe().decl().isEmpty()) printValue(a, val);
        }
        case Node.BreakNode b -> throw BREAK;
        case Node.ContinueNode c -> throw CONTINUE;
        case Node.Control c when c.kind() == T.RANGE -> walkRange(dot, c, depth);
        case Node.Control c -> walkIfOrWith(dot, c, depth);
        case Node.ListNode l -> {
          for (Node n : l.nodes()) walk(dot, n, depth);
        }
        case Node.TemplateNode t -> walkTemplate(dot, t, depth);
        case Node.TextNode t -> out.append(t.text());
        default -> throw error("unknown node: " + node);
      }
    }

    private void walkIfOrWith(Object dot, Node.Control c, int depth) {
      int mark = vars.size();
      try {
        Object val = evalPipeline(dot, c.pipe());
        if (isTrue(val)) {
          walk(c.kind() == T.WITH ? val : dot, c.list(), depth);
        } else if (c.elseList() != null) {
          walk(dot, c.elseList(), depth);
        }
      } finally {
        pop(mark);
      }
    }

    private void walkRange(Object dot, Node.Control r, int depth) {
      int mark = vars.size();
      try {
        Object val = evalPipeline(dot, r.pipe());
        int bodyMark = vars.size();
        boolean ran = false;
        switch (val) {
          case GoSlice s -> {
            for (int i = 0; i < s.elems().size(); i++) {
              ran = true;
              if (!iteration(r, new GoInt(i, "int"), s.elems().get(i), bodyMark, depth)) break;
            }
          }
          case GoMap m -> {
            for (Map.Entry<String, Object> e : m.entries().entrySet()) {
              ran = true;
              if (!iteration(r, GoString.of(e.getKey()), e.getValue(), bodyMark, depth)) break;
            }
          }
          case GoInt n -> {
            if (r.pipe().decl().size() > 1) {
              throw error("can't use " + GoFmt.sprint(List.of(n)) + " to iterate over more than one variable");
            }
            for (long i = 0; i < n.value(); i++) {
              ran = true;
              if (!iteration(r, INVALID, new GoInt(i, n.type()), bodyMark, depth)) break;
            }
          }
          case null, default -> {
            if (val != INVALID && val != null) {
              throw error("range can't iterate over " + GoFmt.sprint(List.of(val)));
            }
          }
        }
        if (!ran && r.elseList() != null) walk(dot, r.elseList(), depth);
      } finally {
        pop(mark);
      }
    }

    /** One range iteration; false after {{break}}. */
    private boolean iteration(Node.Control r, Object index, Object elem, int mark, int depth) {
      ctx.checkLimits();
      List<String> decl = r.pipe().decl();
      if (!decl.isEmpty()) {
        if (r.pipe().isAssign()) {
          setVar(decl.get(0), decl.size() > 1 ? index : elem);
          if (decl.size() > 1) setVar(decl.get(1), elem);
        } else {
          // the pipeline pushed its variables: the last one takes the element, the first the index
          vars.set(vars.size() - 1, new Var(vars.get(vars.size() - 1).name(), elem));
          if (decl.size() > 1) vars.set(vars.size() - 2, new Var(vars.get(vars.size() - 2).name(), index));
        }
      }
      try {
        walk(elem, r.list(), depth);
      } catch (RuntimeException e) {
        if (e == BREAK) return false;
        if (e != CONTINUE) throw e;
      } finally {
        pop(mark);
      }
      return true;
    }

    private void walkTemplate(Object dot, Node.TemplateNode t, int depth) {
      Node.ListNode tmpl = templates.get(t.name());
      if (tmpl == null) throw error("template " + goQuote(t.name()) + " not defined");
      if (depth >= MAX_DEPTH) throw error("exceeded maximum template depth (" + MAX_DEPTH + ")");
      Object newDot = t.pipe() == null ? INVALID : evalPipeline(dot, t.pipe());
      List<Var> saved = vars;
      vars = new ArrayList<>();
      vars.add(new Var("$", newDot));
      try {
        walk(newDot, tmpl, depth + 1);
      } finally {
        vars = saved;
      }
    }

    private void printValue(Node n, Object val) {
      at = n;
      if (val == INVALID || val == null) {
        out.append(NO_VALUE);
        return;
      }
      out.append(GoFmt.sprint(List.of(val)));
    }

    // -- variables --

    private void pop(int mark) {
      while (vars.size() > mark) vars.remove(vars.size() - 1);
    }

    private void setVar(String name, Object value) {
      for (int i = vars.size() - 1; i >= 0; i--) {
        if (vars.get(i).name().equals(name)) {
          vars.set(i, new Var(name, value));
          return;
        }
      }
      throw error("undefined variable: " + name);
    }

    private Object varValue(String name) {
      for (int i = vars.size() - 1; i >= 0; i--) {
        if (vars.get(i).name().equals(name)) return vars.get(i).value();
      }
      throw error("undefined variable: " + name);
    }

    // -- pipelines and commands --

    private static final Object NO_FINAL = new Object();

    private Object evalPipeline(Object dot, Node.Pipe pipe) {
      at = pipe;
      Object value = NO_FINAL;
      for (Node.Cmd cmd : pipe.cmds()) {
        value = evalCommand(dot, cmd, value);
        if (value == null) value = INVALID; // a nil interface{} becomes the invalid value
      }
      for (String v : pipe.decl()) {
        if (pipe.isAssign()) {
          setVar(v, value);
        } else {
          vars.add(new Var(v, value));
        }
      }
      return value;
    }

    private Object evalCommand(Object dot, Node.Cmd cmd, Object fin) {
      Node first = cmd.args().get(0);
      switch (first) {
        case Node.FieldNode f -> { return evalFieldChain(dot, dot, f, f.ident(), cmd.args(), fin); }
        case Node.ChainNode c -> {
          at = c;
          if (c.node() instanceof Node.NilNode) throw error("indirection through explicit nil in " + c);
          Object base = evalArg(dot, Param.ANY, c.node());
          return evalFieldChain(dot, base, c, c.fields(), cmd.args(), fin);
        }
        case Node.IdentifierNode id -> { return evalFunction(dot, id, cmd, cmd.args(), fin); }
        case Node.Pipe p -> {
          notAFunction(cmd.args(), fin);
          return evalPipeline(dot, p);
        }
        case Node.VariableNode v -> {
          at = v;
          Object value = varValue(v.ident().get(0));
          if (v.ident().size() == 1) {
            notAFunction(cmd.args(), fin);
            return value;
          }
          return evalFieldChain(dot, value, v, v.ident().subList(1, v.ident().size()), cmd.args(), fin);
        }
        default -> { }
      }
      at = first;
      notAFunction(cmd.args(), fin);
      return switch (first) {
        case Node.BoolNode b -> new GoBool(b.value());
        case Node.DotNode d -> dot;
        case Node.NilNode n -> throw error("nil is not a command");
        case Node.NumberNode n -> n.value();
        case Node.StringNode s -> GoString.of(s.text());
        default -> throw error("can't evaluate command " + goQuote(first.toString()));
      };
    }

    private void notAFunction(List<Node> args, Object fin) {
      if (args.size() > 1 || fin != NO_FINAL) throw error("can't give argument to non-function " + args.get(0));
    }

    private Object evalFieldChain(Object dot, Object receiver, Node node, List<String> ident, List<Node> args,
        Object fin) {
      at = node;
      for (int i = 0; i < ident.size() - 1; i++) receiver = evalField(receiver, ident.get(i), false, i > 0);
      boolean hasArgs = args.size() > 1 || fin != NO_FINAL;
      return evalField(receiver, ident.get(ident.size() - 1), hasArgs, ident.size() > 1);
    }

    /** inInterface: the receiver was looked up in a map, so Go sees it as an interface {} value. */
    private Object evalField(Object receiver, String name, boolean hasArgs, boolean inInterface) {
      if (receiver == INVALID || receiver == NO_FINAL) return INVALID;
      if (receiver == null) throw error("nil pointer evaluating interface {}." + name);
      if (receiver instanceof GoMap m) {
        if (hasArgs) throw error(name + " is not a method but has arguments");
        return m.entries().containsKey(name) ? m.entries().get(name) : INVALID;
      }
      throw error("can't evaluate field " + name + " in type "
          + (inInterface ? "interface {}" : GoFmt.typeName(receiver)));
    }

    private Object evalArg(Object dot, Param param, Node n) {
      at = n;
      Object value;
      switch (n) {
        case Node.DotNode d -> value = dot;
        case Node.NilNode nil -> {
          if (param == Param.STRING) throw error("cannot assign nil to string");
          return param == Param.ANY ? null : INVALID;
        }
        case Node.FieldNode f -> value = evalFieldChain(dot, dot, f, f.ident(), List.of(n), NO_FINAL);
        case Node.VariableNode v -> {
          value = varValue(v.ident().get(0));
          if (v.ident().size() > 1) {
            value = evalFieldChain(dot, value, v, v.ident().subList(1, v.ident().size()), List.of(n), NO_FINAL);
          }
        }
        case Node.Pipe p -> value = evalPipeline(dot, p);
        case Node.IdentifierNode id -> value = evalFunction(dot, id, id, List.of(id), NO_FINAL);
        case Node.ChainNode c -> value = evalCommand(dot, new Node.Cmd(c.pos(), List.of(c)), NO_FINAL);
        case Node.BoolNode b -> {
          if (param == Param.STRING) throw error("expected string; found " + b);
          return new GoBool(b.value());
        }
        case Node.NumberNode num -> {
          if (param == Param.STRING) throw error("expected string; found " + num);
          return num.value();
        }
        case Node.StringNode s -> { return GoString.of(s.text()); }
        default -> throw error("can't handle " + n + " for arg");
      }
      return validateType(value, param);
    }

    private Object validateType(Object value, Param param) {
      switch (param) {
        case ANY -> { return value == INVALID ? null : value; }
        case VALUE -> { return value == null ? INVALID : value; }
        default -> {
          if (value == INVALID || value == null) throw error("invalid value; expected string");
          if (!(value instanceof GoString s) || !s.type().equals("string")) {
            throw error("wrong type for value; expected string; got " + GoFmt.typeName(value));
          }
          return value;
        }
      }
    }

    // -- functions --

    /** Calls a builtin function; cmd is the node errors from inside the function are reported at. */
    private Object evalFunction(Object dot, Node.IdentifierNode id, Node cmd, List<Node> args, Object fin) {
      at = id;
      String name = id.name();
      List<Node> argNodes = args.subList(1, args.size());
      int argc = argNodes.size() + (fin != NO_FINAL ? 1 : 0);
      if (name.equals("and") || name.equals("or")) {
        if (argc < 1) throw error("wrong number of args for " + name + ": want at least 1 got 0");
        Object v = INVALID;
        for (Node arg : argNodes) {
          v = evalArg(dot, Param.VALUE, arg);
          if (isTrue(v) == name.equals("or")) return v;
        }
        if (fin != NO_FINAL) v = fin == null ? INVALID : fin;
        return v;
      }
      Param[] fixed = switch (name) {
        case "not", "len" -> new Param[] {Param.VALUE};
        case "eq", "index", "slice" -> new Param[] {Param.VALUE};
        case "ne", "lt", "le", "gt", "ge" -> new Param[] {Param.VALUE, Param.VALUE};
        case "printf" -> new Param[] {Param.STRING};
        case "call" -> new Param[] {Param.VALUE};
        default -> new Param[0];
      };
      boolean variadic = switch (name) {
        case "eq", "index", "slice", "printf", "print", "println", "html", "js", "urlquery", "call" -> true;
        default -> false;
      };
      Param varParam = switch (name) {
        case "eq", "index", "slice", "call" -> Param.VALUE;
        default -> Param.ANY;
      };
      if (variadic ? argc < fixed.length : argc != fixed.length) {
        throw error("wrong number of args for " + name + ": want " + (variadic ? "at least " : "")
            + fixed.length + " got " + argc);
      }
      List<Object> argv = new ArrayList<>(argc);
      for (int i = 0; i < argNodes.size(); i++) {
        argv.add(evalArg(dot, i < fixed.length ? fixed[i] : varParam, argNodes.get(i)));
      }
      if (fin != NO_FINAL) argv.add(validateType(fin, argv.size() < fixed.length ? fixed[argv.size()] : varParam));
      try {
        return call(name, argv);
      } catch (TemplateFunctionError e) {
        at = cmd;
        throw error("error calling " + name + ": " + e.getMessage());
      }
    }

    private Object call(String name, List<Object> a) {
      return switch (name) {
        case "not" -> new GoBool(!isTrue(a.get(0)));
        case "len" -> new GoInt(length(a.get(0)), "int");
        case "index" -> index(a.get(0), a.subList(1, a.size()));
        case "slice" -> slice(a.get(0), a.subList(1, a.size()));
        case "eq" -> new GoBool(eq(a.get(0), a.subList(1, a.size())));
        case "ne" -> new GoBool(!eq(a.get(0), List.of(a.get(1))));
        case "lt" -> new GoBool(lt(a.get(0), a.get(1)));
        case "le" -> new GoBool(lt(a.get(0), a.get(1)) || eq(a.get(0), List.of(a.get(1))));
        case "gt" -> new GoBool(!(lt(a.get(0), a.get(1)) || eq(a.get(0), List.of(a.get(1)))));
        case "ge" -> new GoBool(!lt(a.get(0), a.get(1)));
        case "print" -> GoString.of(GoFmt.sprint(a));
        case "println" -> GoString.of(GoFmt.sprintln(a));
        case "printf" -> GoString.of(GoFmt.sprintf(((GoString) a.get(0)).value(), a.subList(1, a.size())));
        case "html" -> GoString.of(htmlEscape(escaperArg(a)));
        case "js" -> GoString.of(jsEscape(escaperArg(a)));
        case "urlquery" -> GoString.of(queryEscape(escaperArg(a)));
        case "call" -> throw new TemplateFunctionError(a.get(0) == INVALID
            ? "call of nil" : "non-function of type " + GoFmt.typeName(a.get(0)));
        default -> throw error("function " + goQuote(name) + " not defined");
      };
    }

    private BuiltinException error(String message) {
      int pos = at == null ? 0 : Math.min(at.pos(), text.length());
      String before = text.substring(0, pos);
      int lastNewline = before.lastIndexOf('\n');
      int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
      int col = lastNewline < 0 ? pos : pos - lastNewline - 1;
      String context = at == null ? "" : at.toString();
      if (context.length() > 20) context = context.substring(0, 20) + "...";
      return BuiltinException.error("template: " + NAME + ":" + line + ":" + col + ": executing "
          + goQuote(NAME) + " at <" + context + ">: " + message);
    }
  }

  /** An error raised inside a template function; reported as "error calling NAME: ...". */
  private static final class TemplateFunctionError extends RuntimeException {
    TemplateFunctionError(String message) {
      super(message, null, false, false);
    }
  }

  // ---- Go semantics of values ----------------------------------------------------------------

  /** text/template's truth: false, 0, nil, empty strings/slices/maps and missing values are false. */
  static boolean isTrue(Object v) {
    return switch (v) {
      case null -> false;
      case GoBool b -> b.value();
      case GoInt i -> i.value() != 0;
      case GoFloat f -> f.value() != 0;
      case GoString s -> !s.value().isEmpty();
      case GoSlice s -> !s.elems().isEmpty();
      case GoMap m -> !m.entries().isEmpty();
      case GoBigInt b -> true;
      default -> false; // the invalid value
    };
  }

  private enum Kind { INVALID, BOOL, INT, FLOAT, STRING, OTHER }

  private static Kind basicKind(Object v) {
    return switch (v) {
      case GoBool b -> Kind.BOOL;
      case GoInt i -> Kind.INT;
      case GoFloat f -> Kind.FLOAT;
      case GoString s -> Kind.STRING;
      case null -> Kind.INVALID;
      default -> v == INVALID ? Kind.INVALID : Kind.OTHER;
    };
  }

  private static boolean eq(Object a1, List<Object> rest) {
    if (rest.isEmpty()) throw new TemplateFunctionError("missing argument for comparison");
    Kind k1 = basicKind(a1);
    for (Object a2 : rest) {
      Kind k2 = basicKind(a2);
      boolean truth;
      if (k1 != k2) {
        if (k1 != Kind.INVALID && k2 != Kind.INVALID) {
          throw new TemplateFunctionError("incompatible types for comparison");
        }
        truth = false;
      } else {
        truth = switch (k1) {
          case BOOL -> ((GoBool) a1).value() == ((GoBool) a2).value();
          case INT -> ((GoInt) a1).value() == ((GoInt) a2).value();
          case FLOAT -> ((GoFloat) a1).value() == ((GoFloat) a2).value();
          case STRING -> ((GoString) a1).value().equals(((GoString) a2).value());
          case INVALID -> true;
          default -> throw new TemplateFunctionError("non-comparable type " + GoFmt.sprint(List.of(a2))
              + ": " + GoFmt.typeName(a2));
        };
      }
      if (truth) return true;
    }
    return false;
  }

  private static boolean lt(Object a1, Object a2) {
    Kind k1 = basicKind(a1);
    Kind k2 = basicKind(a2);
    if (k1 == Kind.INVALID || k1 == Kind.OTHER || k2 == Kind.INVALID || k2 == Kind.OTHER) {
      throw new TemplateFunctionError("invalid type for comparison");
    }
    if (k1 != k2) throw new TemplateFunctionError("incompatible types for comparison");
    return switch (k1) {
      case INT -> ((GoInt) a1).value() < ((GoInt) a2).value();
      case FLOAT -> ((GoFloat) a1).value() < ((GoFloat) a2).value();
      case STRING -> Values.compareStrings(((GoString) a1).value(), ((GoString) a2).value()) < 0;
      default -> throw new TemplateFunctionError("invalid type for comparison");
    };
  }

  private static long length(Object item) {
    return switch (item) {
      case GoString s -> s.value().getBytes(StandardCharsets.UTF_8).length;
      case GoSlice s -> s.elems().size();
      case GoMap m -> m.entries().size();
      case null, default -> throw new TemplateFunctionError(item == INVALID || item == null
          ? "len of nil pointer" : "len of type " + GoFmt.typeName(item));
    };
  }

  private static Object index(Object item, List<Object> indexes) {
    if (item == INVALID || item == null) throw new TemplateFunctionError("index of untyped nil");
    for (Object index : indexes) {
      if (item == null) throw new TemplateFunctionError("index of nil pointer");
      switch (item) {
        case GoSlice s -> item = s.elems().get(indexArg(index, s.elems().size(), true));
        case GoString s -> {
          byte[] b = s.value().getBytes(StandardCharsets.UTF_8);
          item = new GoInt(b[indexArg(index, b.length, true)] & 0xFF, "uint8");
        }
        case GoMap m -> {
          if (index == INVALID || index == null) throw new TemplateFunctionError("value is nil; should be of type string");
          if (!(index instanceof GoString key) || !key.type().equals("string")) {
            throw new TemplateFunctionError("value has type " + GoFmt.typeName(index) + "; should be string");
          }
          item = m.entries().get(key.value());
        }
        default -> throw new TemplateFunctionError("can't index item of type " + GoFmt.typeName(item));
      }
    }
    return item;
  }

  private static int indexArg(Object index, int cap, boolean strict) {
    if (index == INVALID || index == null) throw new TemplateFunctionError("cannot index slice/array with nil");
    if (!(index instanceof GoInt i)) {
      throw new TemplateFunctionError("cannot index slice/array with type " + GoFmt.typeName(index));
    }
    long x = i.value();
    if (x < 0 || x > cap || (strict && x == cap)) throw new TemplateFunctionError("index out of range: " + x);
    return (int) x;
  }

  private static Object slice(Object item, List<Object> indexes) {
    if (item == INVALID || item == null) throw new TemplateFunctionError("slice of untyped nil");
    if (indexes.size() > 3) throw new TemplateFunctionError("too many slice indexes: " + indexes.size());
    byte[] bytes = null;
    int len;
    switch (item) {
      case GoString s -> {
        if (indexes.size() == 3) throw new TemplateFunctionError("cannot 3-index slice a string");
        bytes = s.value().getBytes(StandardCharsets.UTF_8);
        len = bytes.length;
      }
      case GoSlice s -> len = s.elems().size();
      default -> throw new TemplateFunctionError("can't slice item of type " + GoFmt.typeName(item));
    }
    int[] idx = {0, len, len};
    for (int i = 0; i < indexes.size(); i++) idx[i] = indexArg(indexes.get(i), len, false);
    if (idx[0] > idx[1]) throw new TemplateFunctionError("invalid slice index: " + idx[0] + " > " + idx[1]);
    if (indexes.size() == 3 && idx[1] > idx[2]) {
      throw new TemplateFunctionError("invalid slice index: " + idx[1] + " > " + idx[2]);
    }
    if (bytes != null) {
      GoString s = (GoString) item;
      return new GoString(new String(bytes, idx[0], idx[1] - idx[0], StandardCharsets.UTF_8), s.type());
    }
    return new GoSlice(((GoSlice) item).elems().subList(idx[0], idx[1]));
  }

  /** The escapers take one string as is, or print their arguments with fmt.Sprint. */
  private static String escaperArg(List<Object> args) {
    if (args.size() == 1 && args.get(0) instanceof GoString s && s.type().equals("string")) return s.value();
    return GoFmt.sprint(args);
  }

  /** url.QueryEscape: like URLEncoder, but '*' is escaped and '~' is not. */
  static String queryEscape(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }

  static String htmlEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case 0 -> sb.append('\uFFFD');
        case '"' -> sb.append("&#34;");
        case '\'' -> sb.append("&#39;");
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  static String jsEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '\\' -> sb.append("\\\\");
        case '\'' -> sb.append("\\'");
        case '"' -> sb.append("\\\"");
        case '<' -> sb.append("\\u003C");
        case '>' -> sb.append("\\u003E");
        case '&' -> sb.append("\\u0026");
        case '=' -> sb.append("\\u003D");
        default -> {
          if (cp < ' ' || (cp >= 0x80 && !GoFmt.isPrint(cp))) {
            String hex = Integer.toHexString(cp).toUpperCase(Locale.ROOT);
            sb.append("\\u").append("0".repeat(Math.max(0, 4 - hex.length()))).append(hex);
          } else {
            sb.appendCodePoint(cp);
          }
        }
      }
    }
    return sb.toString();
  }
}
