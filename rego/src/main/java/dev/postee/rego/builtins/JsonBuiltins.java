package dev.postee.rego.builtins;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Formatter;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * json.* builtins: Go's json.Marshal/MarshalIndent output, OPA's decoder (exact numbers, Go's
 * syntax error texts), json.filter/json.remove over "a/b/c" paths, json.patch (RFC 6902 as OPA's
 * edit tree applies it: failures make the call undefined) and JSON schema validation.
 */
public final class JsonBuiltins implements BuiltinRegistrar {

  @Override
  public void register(BuiltinRegistry r) {
    r.function("json.marshal", (ctx, a) -> StringValue.of(Json.writeGo(a[0])));
    r.function("json.marshal_with_options", (ctx, a) -> marshalWithOptions(a[0], Args.object(a, 1)));
    r.function("json.unmarshal", (ctx, a) -> GoJson.decode(Args.string(a, 0)));
    r.functionCheckingOwnOperands("json.is_valid", (ctx, a) ->
        BooleanValue.of(a[0] instanceof StringValue s && GoJson.isValid(s.value())));
    r.functionCheckingOwnOperands("json.filter", (ctx, a) -> filter(Args.object(a, 0), pathTree(jsonPaths(a[1]))));
    r.functionCheckingOwnOperands("json.remove", (ctx, a) -> remove(Args.object(a, 0), pathTree(jsonPaths(a[1]))));
    r.function("json.patch", (ctx, a) -> Patch.apply(a[0], Args.array(a, 1)));
    r.functionCheckingOwnOperands("json.verify_schema", (ctx, a) -> JsonSchema.verify(a[0]));
    r.functionCheckingOwnOperands("json.match_schema", (ctx, a) -> JsonSchema.match(a[0], a[1]));
  }

  // --- json.marshal_with_options --------------------------------------------------------------

  private static Value marshalWithOptions(Value v, ObjectValue opts) {
    String indent = "\t";
    String prefix = "";
    boolean implicitPretty = false;
    Boolean explicitPretty = null;
    for (int i = 0; i < opts.size(); i++) {
      Value k = opts.keyAt(i);
      Value val = opts.valueAt(i);
      if (!(k instanceof StringValue ks)) {
        throw BuiltinException.typeError("operand 2 failed to stringify key " + Formatter.rego(k) + " at index " + i
            + ": operand " + i + " must be string but got " + k.typeName());
      }
      String key = ks.value();
      switch (key) {
        case "prefix", "indent" -> {
          if (!(val instanceof StringValue sv)) {
            throw BuiltinException.typeError("operand 2 key " + Formatter.goQuote(key) + " failed cast to string: operand "
                + i + " must be string but got " + val.typeName());
          }
          if (key.equals("prefix")) prefix = sv.value();
          else indent = sv.value();
          implicitPretty = true;
        }
        case "pretty" -> {
          if (!(val instanceof BooleanValue b)) {
            throw BuiltinException.typeError("operand 2 key " + Formatter.goQuote(key) + " failed cast to bool");
          }
          explicitPretty = b.value();
        }
        default -> throw BuiltinException.typeError("operand 2 object contained unknown key " + Formatter.goQuote(key));
      }
    }
    boolean pretty = explicitPretty != null ? explicitPretty : implicitPretty;
    if (!pretty) return StringValue.of(Json.writeGo(v));
    // MarshalIndent does not prefix the first line; OPA adds it.
    return StringValue.of(prefix + Json.writeIndented(v, prefix, indent, true));
  }

  // --- paths for json.filter / json.remove / json.patch ---------------------------------------

  private static List<List<Value>> jsonPaths(Value operand) {
    List<List<Value>> paths = new ArrayList<>();
    List<Value> elems = switch (operand) {
      case ArrayValue a -> a.asList();
      case SetValue s -> s.elements();
      default -> throw BuiltinException.typeError("operand 2 must be one of {set, array} but got " + operand.typeName());
    };
    for (Value e : elems) {
      List<Value> p = parsePath(e);
      if (p == null) {
        throw BuiltinException.typeError("operand 2 must be one of {set, array} containing string paths or array of "
            + "path segments but got " + e.typeName());
      }
      paths.add(p);
    }
    return paths;
  }

  /**
   * A path given as "a/b/c" (leading slashes ignored, ~1 and ~0 unescaped) or as an array of
   * segments; null when the value is neither.
   */
  static List<Value> parsePath(Value path) {
    switch (path) {
      case StringValue s -> {
        String text = s.value();
        List<Value> out = new ArrayList<>();
        if (text.isEmpty()) return out;
        int start = 0;
        while (start < text.length() && text.charAt(start) == '/') start++;
        for (String part : text.substring(start).split("/", -1)) {
          out.add(StringValue.of(part.replace("~1", "/").replace("~0", "~")));
        }
        return out;
      }
      case ArrayValue a -> { return new ArrayList<>(a.asList()); }
      default -> { return null; }
    }
  }

  /** A tree of path segments; a null child marks the end of a path (everything below is selected). */
  private static final class PathNode {
    final Map<Value, PathNode> children = new LinkedHashMap<>();
  }

  private static final PathNode LEAF = new PathNode();

  /** OPA's pathsToObject: a shorter path wins over a longer one with the same prefix. */
  private static PathNode pathTree(List<List<Value>> paths) {
    PathNode root = new PathNode();
    for (List<Value> path : paths) {
      if (path.isEmpty()) continue;
      PathNode node = root;
      boolean covered = false;
      for (int i = 0; i < path.size() - 1 && !covered; i++) {
        PathNode child = node.children.get(path.get(i));
        if (child == null) {
          child = new PathNode();
          node.children.put(path.get(i), child);
        } else if (child == LEAF) {
          covered = true;
        }
        node = child;
      }
      if (!covered) node.children.put(path.get(path.size() - 1), LEAF);
    }
    return root;
  }

  /** OPA's Object.Filter: keeps what the tree selects; array positions are matched as "0", "1", .... */
  private static Value filter(Value v, PathNode tree) {
    if (tree == LEAF) return v;
    switch (v) {
      case ArrayValue a -> {
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
          PathNode sub = tree.children.get(StringValue.of(Integer.toString(i)));
          if (sub != null) out.add(filter(a.get(i), sub));
        }
        return ArrayValue.of(out);
      }
      case SetValue s -> {
        SetValue.Builder b = SetValue.builder();
        for (Value e : s.elements()) {
          PathNode sub = tree.children.get(e);
          if (sub != null) b.add(filter(e, sub));
        }
        return b.build();
      }
      case ObjectValue o -> {
        ObjectValue.Builder b = ObjectValue.builder();
        for (int i = 0; i < o.size(); i++) {
          PathNode sub = tree.children.get(o.keyAt(i));
          if (sub != null) b.put(o.keyAt(i), filter(o.valueAt(i), sub));
        }
        return b.build();
      }
      default -> { return v; }
    }
  }

  /** OPA's jsonRemove: drops what the tree selects (arrays close the gaps); null = removed. */
  private static Value remove(Value v, PathNode tree) {
    if (tree == null) return v;
    if (tree == LEAF) return null;
    switch (v) {
      case ObjectValue o -> {
        ObjectValue.Builder b = ObjectValue.builder();
        for (int i = 0; i < o.size(); i++) {
          Value r = remove(o.valueAt(i), tree.children.get(o.keyAt(i)));
          if (r != null) b.put(o.keyAt(i), r);
        }
        return b.build();
      }
      case SetValue s -> {
        SetValue.Builder b = SetValue.builder();
        for (Value e : s.elements()) {
          Value r = remove(e, tree.children.get(e));
          if (r != null) b.add(r);
        }
        return b.build();
      }
      case ArrayValue a -> {
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
          Value r = remove(a.get(i), tree.children.get(StringValue.of(Integer.toString(i))));
          if (r != null) out.add(r);
        }
        return ArrayValue.of(out);
      }
      default -> { return v; }
    }
  }

  // --- json.patch -----------------------------------------------------------------------------

  /**
   * RFC 6902 patches applied as OPA's edit tree applies them: paths may also be arrays of
   * segments, sets are addressed by their elements, and any failure makes the result undefined.
   */
  private static final class Patch {
    /** Any failed operation. */
    private static final class Failed extends Exception {
      private static final Failed INSTANCE = new Failed();

      private Failed() { super(null, null, false, false); }
    }

    static Value apply(Value doc, ArrayValue ops) {
      try {
        Value current = doc;
        for (Value opValue : ops.asList()) {
          if (!(opValue instanceof ObjectValue op)) throw Failed.INSTANCE;
          if (!(attribute(op, "op") instanceof StringValue name)) throw Failed.INSTANCE;
          String kind = name.value();
          if (!List.of("add", "remove", "replace", "move", "copy", "test").contains(kind)) throw Failed.INSTANCE;
          Value pathTerm = attribute(op, "path");
          Value from = kind.equals("move") || kind.equals("copy") ? attribute(op, "from") : null;
          Value value = kind.equals("add") || kind.equals("replace") || kind.equals("test") ? attribute(op, "value") : null;
          List<Value> path = path(pathTerm);
          switch (kind) {
            case "add" -> current = insert(current, path, 0, value);
            case "remove" -> current = delete(current, path);
            case "replace" -> current = insert(delete(current, path), path, 0, value);
            case "move" -> {
              List<Value> fromPath = path(from);
              Value chunk = get(current, fromPath);
              current = insert(delete(current, fromPath), path, 0, chunk);
            }
            case "copy" -> current = insert(current, path, 0, get(current, path(from)));
            case "test" -> {
              if (!get(current, path).equals(value)) throw Failed.INSTANCE;
            }
            default -> throw new IllegalStateException(kind);
          }
        }
        return current;
      } catch (Failed e) {
        return null;
      }
    }

    private static Value attribute(ObjectValue op, String name) throws Failed {
      Value v = op.get(name);
      if (v == null) throw Failed.INSTANCE;
      return v;
    }

    private static List<Value> path(Value term) throws Failed {
      List<Value> p = parsePath(term);
      if (p == null) throw Failed.INSTANCE;
      return p;
    }

    /** The edit tree's toIndex: an integer, "-" (one past the end) or a decimal string without leading zeros. */
    private static int index(int length, Value key) throws Failed {
      String text;
      switch (key) {
        case NumberValue n -> text = n.toString();
        case StringValue s -> {
          if (s.value().equals("-")) return length;
          text = s.value();
          if (!text.equals("0") && text.startsWith("0")) throw Failed.INSTANCE;
        }
        default -> throw Failed.INSTANCE;
      }
      try {
        long i = Long.parseLong(text);
        if (i < Integer.MIN_VALUE || i > Integer.MAX_VALUE) throw Failed.INSTANCE;
        return (int) i;
      } catch (NumberFormatException e) {
        throw Failed.INSTANCE;
      }
    }

    /** The existing child at key (the edit tree's Unfold step). */
    private static Value child(Value node, Value key) throws Failed {
      switch (node) {
        case ObjectValue o -> {
          Value v = o.get(key);
          if (v == null) throw Failed.INSTANCE;
          return v;
        }
        case SetValue s -> {
          if (!s.contains(key)) throw Failed.INSTANCE;
          return key;
        }
        case ArrayValue a -> {
          int i = index(a.size(), key);
          if (i < 0 || i >= a.size()) throw Failed.INSTANCE;
          return a.get(i);
        }
        default -> throw Failed.INSTANCE;
      }
    }

    /** The node with the child at key replaced. */
    private static Value withChild(Value node, Value key, Value oldChild, Value newChild) throws Failed {
      switch (node) {
        case ObjectValue o -> { return o.with(key, newChild); }
        case SetValue s -> {
          SetValue.Builder b = SetValue.builder();
          for (Value e : s.elements()) {
            if (!e.equals(oldChild)) b.add(e);
          }
          return b.add(newChild).build();
        }
        case ArrayValue a -> {
          Value[] arr = a.toArray();
          arr[index(a.size(), key)] = newChild;
          return ArrayValue.wrap(arr);
        }
        default -> throw Failed.INSTANCE;
      }
    }

    private static Value get(Value doc, List<Value> path) throws Failed {
      if (doc == null) throw Failed.INSTANCE;
      Value node = doc;
      for (Value key : path) node = child(node, key);
      return node;
    }

    private static Value insert(Value node, List<Value> path, int i, Value value) throws Failed {
      if (path.isEmpty()) return value;
      if (node == null) throw Failed.INSTANCE;
      Value key = path.get(i);
      if (i < path.size() - 1) {
        Value c = child(node, key);
        return withChild(node, key, c, insert(c, path, i + 1, value));
      }
      switch (node) {
        case ObjectValue o -> { return o.with(key, value); }
        case SetValue s -> {
          if (!key.equals(value)) throw Failed.INSTANCE;
          return s.with(value);
        }
        case ArrayValue a -> {
          int idx = index(a.size(), key);
          if (idx < 0 || idx > a.size()) throw Failed.INSTANCE;
          List<Value> out = new ArrayList<>(a.asList());
          out.add(idx, value);
          return ArrayValue.of(out);
        }
        default -> throw Failed.INSTANCE;
      }
    }

    /** Deletes at path; deleting the root leaves no document (null). */
    private static Value delete(Value doc, List<Value> path) throws Failed {
      if (doc == null) throw Failed.INSTANCE;
      if (path.isEmpty()) return null;
      return deleteBelow(doc, path, 0);
    }

    private static Value deleteBelow(Value node, List<Value> path, int i) throws Failed {
      Value key = path.get(i);
      if (i < path.size() - 1) {
        Value c = child(node, key);
        return withChild(node, key, c, deleteBelow(c, path, i + 1));
      }
      switch (node) {
        case ObjectValue o -> {
          if (!o.containsKey(key)) throw Failed.INSTANCE;
          return o.without(key);
        }
        case SetValue s -> {
          if (!s.contains(key)) throw Failed.INSTANCE;
          return s.minus(SetValue.of(key));
        }
        case ArrayValue a -> {
          int idx = index(a.size(), key);
          if (idx < 0 || idx >= a.size()) throw Failed.INSTANCE;
          List<Value> out = new ArrayList<>(a.asList());
          out.remove(idx);
          return ArrayValue.of(out);
        }
        default -> throw Failed.INSTANCE;
      }
    }
  }

  // --- Go-compatible JSON decoding ------------------------------------------------------------

  /**
   * A JSON reader with Go's acceptance rules and error texts: json.Valid for json.is_valid, and
   * OPA's util.UnmarshalJSON (a json.Decoder followed by a check for a further token) for
   * json.unmarshal. Numbers stay exact.
   */
  static final class GoJson {
    private static final int MAX_DEPTH = 10_000;

    /** A syntax error ("invalid character ...") or an early end of input. */
    private static final class SyntaxError extends Exception {
      final boolean eof;

      SyntaxError(String message, boolean eof) {
        super(message, null, false, false);
        this.eof = eof;
      }
    }

    private final String s;
    private int pos;

    private GoJson(String s) { this.s = s; }

    static boolean isValid(String text) {
      GoJson p = new GoJson(text);
      try {
        p.skipSpace();
        p.value(0);
        p.skipSpace();
        return p.pos == text.length();
      } catch (SyntaxError e) {
        return false;
      }
    }

    /** The value of text that {@link #isValid} accepted. */
    static Value parseValid(String text) {
      GoJson p = new GoJson(text);
      try {
        p.skipSpace();
        return p.value(0);
      } catch (SyntaxError e) {
        throw new IllegalStateException("not valid JSON", e);
      }
    }

    static Value decode(String text) {
      GoJson p = new GoJson(text);
      Value v;
      try {
        p.skipSpace();
        if (p.pos == text.length()) throw BuiltinException.error("EOF");
        v = p.value(0);
      } catch (SyntaxError e) {
        throw BuiltinException.error(e.eof ? "unexpected EOF" : e.getMessage());
      }
      p.checkNoFurtherToken();
      return v;
    }

    /** What Decoder.Token() finds after the first value; OPA rejects anything but the end (or null). */
    private void checkNoFurtherToken() {
      skipSpace();
      if (pos == s.length()) return;
      char c = s.charAt(pos);
      switch (c) {
        case '[', '{' -> throw BuiltinException.error("error: invalid character '" + c + "' after top-level value");
        case ']', '}', ':', ',' -> throw BuiltinException.error("invalid character " + quoteChar(c)
            + " looking for beginning of value");
        default -> {
          Value next;
          int start = pos;
          try {
            next = value(0);
          } catch (SyntaxError e) {
            throw BuiltinException.error(e.eof ? "unexpected EOF" : e.getMessage());
          }
          // Go formats the token with %s: null is no token at all, booleans print as %!s(bool=...).
          String text = switch (next) {
            case NullValue n -> null;
            case BooleanValue b -> "%!s(bool=" + b.value() + ")";
            case StringValue str -> str.value();
            default -> s.substring(start, pos);
          };
          if (text != null) throw BuiltinException.error("error: invalid character '" + text + "' after top-level value");
        }
      }
    }

    private void skipSpace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
        pos++;
      }
    }

    /** Go's quoteChar of the offending byte (the first UTF-8 byte for non-ASCII characters). */
    private static String quoteChar(char c) {
      if (c == '\'') return "'\\''";
      if (c == '"') return "'\"'";
      int b = c < 0x80 ? c : firstUtf8Byte(c);
      String q = Formatter.goQuote(String.valueOf((char) b));
      return "'" + q.substring(1, q.length() - 1) + "'";
    }

    private static int firstUtf8Byte(char c) {
      if (c < 0x800) return 0xC0 | (c >> 6);
      if (Character.isSurrogate(c)) return 0xF0;
      return 0xE0 | (c >> 12);
    }

    private SyntaxError invalid(char c, String context) {
      return new SyntaxError("invalid character " + quoteChar(c) + " " + context, false);
    }

    private static SyntaxError eof() { return new SyntaxError("unexpected end of JSON input", true); }

    private char next() throws SyntaxError {
      if (pos >= s.length()) throw eof();
      return s.charAt(pos);
    }

    private Value value(int depth) throws SyntaxError {
      char c = next();
      switch (c) {
        case '{' -> { return object(depth + 1); }
        case '[' -> { return array(depth + 1); }
        case '"' -> { return StringValue.of(string()); }
        case 't' -> { literal("true"); return BooleanValue.TRUE; }
        case 'f' -> { literal("false"); return BooleanValue.FALSE; }
        case 'n' -> { literal("null"); return NullValue.INSTANCE; }
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) return number();
          throw invalid(c, "looking for beginning of value");
        }
      }
    }

    private void literal(String word) throws SyntaxError {
      pos++;
      for (int i = 1; i < word.length(); i++) {
        char c = next();
        if (c != word.charAt(i)) {
          throw invalid(c, "in literal " + word + " (expecting '" + word.charAt(i) + "')");
        }
        pos++;
      }
    }

    private Value number() throws SyntaxError {
      int start = pos;
      if (s.charAt(pos) == '-') {
        pos++;
        char c = next();
        if (c < '0' || c > '9') throw invalid(c, "in numeric literal");
      }
      if (s.charAt(pos) == '0') {
        pos++;
      } else {
        while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
      }
      if (pos < s.length() && s.charAt(pos) == '.') {
        pos++;
        char c = next();
        if (!isDigit(c)) throw invalid(c, "after decimal point in numeric literal");
        while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        pos++;
        char c = next();
        if (c == '+' || c == '-') {
          pos++;
          c = next();
        }
        if (!isDigit(c)) throw invalid(c, "in exponent of numeric literal");
        while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
      }
      return NumberValue.parse(s.substring(start, pos));
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    private String string() throws SyntaxError {
      pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          pos++;
          return sb.toString();
        }
        if (c < 0x20) throw invalid(c, "in string literal");
        if (c != '\\') {
          sb.append(c);
          pos++;
          continue;
        }
        pos++;
        char e = next();
        pos++;
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            char u = hex4();
            if (Character.isHighSurrogate(u) && s.startsWith("\\u", pos)) {
              int save = pos;
              pos += 2;
              char low = hex4();
              if (Character.isLowSurrogate(low)) {
                sb.append(u).append(low);
              } else {
                // Not a pair: Go replaces the lone surrogate and decodes the next escape afresh.
                sb.append('\ufffd');
                pos = save;
              }
            } else {
              sb.append(Character.isSurrogate(u) ? '\ufffd' : u);
            }
          }
          default -> throw invalid(e, "in string escape code");
        }
      }
    }

    private char hex4() throws SyntaxError {
      int v = 0;
      for (int i = 0; i < 4; i++) {
        char c = next();
        int d = Character.digit(c, 16);
        if (d < 0 || c >= 0x80) throw invalid(c, "in \\u hexadecimal character escape");
        v = v << 4 | d;
        pos++;
      }
      return (char) v;
    }

    private Value object(int depth) throws SyntaxError {
      if (depth > MAX_DEPTH) throw invalid('{', "exceeded max depth");
      pos++;
      ObjectValue.Builder b = ObjectValue.builder();
      skipSpace();
      if (next() == '}') {
        pos++;
        return b.build();
      }
      while (true) {
        char c = next();
        if (c != '"') throw invalid(c, "looking for beginning of object key string");
        String key = string();
        skipSpace();
        c = next();
        if (c != ':') throw invalid(c, "after object key");
        pos++;
        skipSpace();
        b.put(StringValue.of(key), value(depth));
        skipSpace();
        c = next();
        pos++;
        if (c == '}') return b.build();
        if (c != ',') throw invalid(c, "after object key:value pair");
        skipSpace();
      }
    }

    private Value array(int depth) throws SyntaxError {
      if (depth > MAX_DEPTH) throw invalid('[', "exceeded max depth");
      pos++;
      List<Value> out = new ArrayList<>();
      skipSpace();
      if (next() == ']') {
        pos++;
        return ArrayValue.EMPTY;
      }
      while (true) {
        skipSpace();
        out.add(value(depth));
        skipSpace();
        char c = next();
        pos++;
        if (c == ']') return ArrayValue.of(out);
        if (c != ',') throw invalid(c, "after array element");
      }
    }
  }

  // --- JSON schema ----------------------------------------------------------------------------

  /**
   * JSON schema validation as OPA's fork of gojsonschema performs it (drafts 4, 6 and 7, "hybrid"
   * when no $schema names a draft): the same keywords, error types, descriptions and scoring used
   * to pick the errors of the closest anyOf/oneOf branch. References resolve within the schema
   * document and to the embedded draft meta-schemas; remote documents are not fetched.
   */
  static final class JsonSchema {
    private static final int DRAFT4 = 4;
    private static final int DRAFT6 = 6;
    private static final int DRAFT7 = 7;
    private static final int HYBRID = Integer.MAX_VALUE;
    private static final List<String> JSON_TYPES =
        List.of("array", "boolean", "integer", "number", "null", "object", "string");
    private static final Map<String, Integer> DRAFT_URLS = Map.of(
        "http://json-schema.org/draft-04/schema", DRAFT4,
        "http://json-schema.org/draft-06/schema", DRAFT6,
        "http://json-schema.org/draft-07/schema", DRAFT7);
    private static final int MAX_DEPTH = 10_000;

    /** A schema that cannot be compiled, or a document that cannot be loaded. */
    static final class SchemaException extends Exception {
      SchemaException(String message) { super(message, null, false, false); }
    }

    static Value verify(Value schema) {
      try {
        compile(load(schema));
        return ArrayValue.of(BooleanValue.TRUE, NullValue.INSTANCE);
      } catch (SchemaException e) {
        return ArrayValue.of(BooleanValue.FALSE, StringValue.of("jsonschema: " + e.getMessage()));
      }
    }

    static Value match(Value document, Value schema) {
      Value doc;
      SubSchema root;
      try {
        doc = load(document);
        root = compile(load(schema));
      } catch (SchemaException e) {
        throw BuiltinException.error(e.getMessage());
      }
      Result result = new Result();
      root.validate(doc, result, "(root)", 0);
      List<Value> errors = new ArrayList<>();
      for (Error e : result.errors) {
        errors.add(ObjectValue.ofStrings("error", StringValue.of(e.field() + ": " + e.description()),
            "type", StringValue.of(e.type()), "field", StringValue.of(e.field()),
            "desc", StringValue.of(e.description())));
      }
      return ArrayValue.of(BooleanValue.of(result.errors.isEmpty()), ArrayValue.of(errors));
    }

    /** A JSON string is parsed (it must be valid JSON); objects are used as their JSON form. */
    private static Value load(Value v) throws SchemaException {
      if (v instanceof StringValue s) {
        if (!GoJson.isValid(s.value())) throw new SchemaException("invalid JSON string");
        return GoJson.parseValid(s.value());
      }
      if (v instanceof ObjectValue || v instanceof ArrayValue) return normalize(v);
      throw new SchemaException("wrong type, expected string or object");
    }

    /** The value as JSON sees it: sets become arrays, non-string keys their JSON text. */
    private static Value normalize(Value v) {
      return switch (v) {
        case ArrayValue a -> {
          Value[] out = new Value[a.size()];
          for (int i = 0; i < out.length; i++) out[i] = normalize(a.get(i));
          yield ArrayValue.wrap(out);
        }
        case SetValue set -> {
          Value[] out = new Value[set.size()];
          for (int i = 0; i < out.length; i++) out[i] = normalize(set.get(i));
          yield ArrayValue.wrap(out);
        }
        case ObjectValue o -> {
          ObjectValue.Builder b = ObjectValue.builder();
          for (int i = 0; i < o.size(); i++) {
            Value k = o.keyAt(i);
            b.put(k instanceof StringValue ? k : StringValue.of(Json.write(k)), normalize(o.valueAt(i)));
          }
          yield b.build();
        }
        default -> v;
      };
    }

    // --- references ---

    /** A JSON reference: the URL without fragment, and the fragment (a JSON pointer). */
    private record Ref(String base, String fragment) {
      static Ref parse(String text) throws SchemaException {
        int hash = text.indexOf('#');
        String base = hash < 0 ? text : text.substring(0, hash);
        String fragment = hash < 0 ? "" : percentDecode(text.substring(hash + 1));
        if (!fragment.isEmpty() && fragment.charAt(0) != '/') {
          throw new SchemaException("JSON pointer must be empty or start with a \"/\"");
        }
        return new Ref(base, fragment);
      }

      Ref inherit(Ref child) {
        if (child.base.isEmpty()) return new Ref(base, child.fragment);
        if (base.isEmpty()) return child;
        try {
          return new Ref(URI.create(base).resolve(child.base).toString(), child.fragment);
        } catch (IllegalArgumentException e) {
          return child;
        }
      }

      boolean isCanonical() {
        try {
          URI u = URI.create(base);
          return u.getScheme() != null && (u.getHost() != null || "file".equals(u.getScheme()));
        } catch (IllegalArgumentException e) {
          return false;
        }
      }

      @Override
      public String toString() { return fragment.isEmpty() ? base : base + "#" + fragment; }
    }

    private static String percentDecode(String s) {
      if (s.indexOf('%') < 0) return s;
      try {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return s;
      }
    }

    /** Documents by reference (the root document, documents with an id, fetched meta-schemas). */
    private static final class Compiler {
      final Map<String, Value> documents = new LinkedHashMap<>();
      final Map<String, Integer> documentDrafts = new LinkedHashMap<>();
      final Map<String, SubSchema> referencePool = new LinkedHashMap<>();

      /** Indexes ids and makes every $ref absolute, as gojsonschema's parseReferences does. */
      Value indexReferences(Value doc, Ref ref, Integer draft) {
        switch (doc) {
          case ArrayValue a -> {
            Value[] out = new Value[a.size()];
            for (int i = 0; i < out.length; i++) out[i] = indexReferences(a.get(i), ref, draft);
            return ArrayValue.wrap(out);
          }
          case ObjectValue m -> {
            Ref local = ref;
            boolean identified = false;
            String idKey = m.containsKey(StringValue.of("id")) ? "id" : "$id";
            if (m.get(idKey) instanceof StringValue id) {
              try {
                local = ref.inherit(Ref.parse(id.value()));
                identified = true;
              } catch (SchemaException e) {
                local = ref;
              }
            }
            ObjectValue.Builder b = ObjectValue.builder();
            for (int i = 0; i < m.size(); i++) {
              String k = ((StringValue) m.keyAt(i)).value();
              Value v = m.valueAt(i);
              if (k.equals("$ref") && v instanceof StringValue r) {
                try {
                  v = StringValue.of(local.inherit(Ref.parse(r.value())).toString());
                } catch (SchemaException e) {
                  // left as written; the schema parser reports it
                }
              } else if (k.equals("const") || k.equals("enum")) {
                // literal values
              } else if ((k.equals("properties") || k.equals("dependencies") || k.equals("patternProperties"))
                  && v instanceof ObjectValue children) {
                ObjectValue.Builder cb = ObjectValue.builder();
                for (int j = 0; j < children.size(); j++) {
                  cb.put(children.keyAt(j), indexReferences(children.valueAt(j), local, draft));
                }
                v = cb.build();
              } else {
                v = indexReferences(v, local, draft);
              }
              b.put(m.keyAt(i), v);
            }
            ObjectValue rewritten = b.build();
            if (identified) {
              documents.putIfAbsent(local.toString(), rewritten);
              if (draft != null) documentDrafts.putIfAbsent(local.toString(), draft);
            }
            return rewritten;
          }
          default -> { return doc; }
        }
      }

      /** The document a reference points to, with the draft it declares. */
      Value document(Ref ref, int[] draftOut) throws SchemaException {
        String key = ref.toString();
        if (documents.containsKey(key)) {
          draftOut[0] = documentDrafts.getOrDefault(key, 0);
          return documents.get(key);
        }
        Ref whole = new Ref(ref.base(), "");
        Value base = documents.get(whole.toString());
        if (base == null) {
          if (!whole.isCanonical()) {
            throw new SchemaException("Reference " + ref + " must be canonical");
          }
          String meta = META_SCHEMAS.get(whole.base());
          if (meta == null) throw new SchemaException("remote reference loading disabled: " + ref);
          Value loaded = GoJson.parseValid(meta);
          Integer draft = declaredDraft(loaded);
          loaded = indexReferences(loaded, whole, draft);
          documents.put(whole.toString(), loaded);
          if (draft != null) documentDrafts.put(whole.toString(), draft);
          base = loaded;
        }
        draftOut[0] = documentDrafts.getOrDefault(whole.toString(), 0);
        Value target = pointer(base, ref.fragment());
        documents.put(key, target);
        if (draftOut[0] != 0) documentDrafts.put(key, draftOut[0]);
        return target;
      }
    }

    private static Value pointer(Value doc, String pointer) throws SchemaException {
      if (pointer.isEmpty()) return doc;
      Value node = doc;
      for (String raw : pointer.substring(1).split("/", -1)) {
        String token = raw.replace("~1", "/").replace("~0", "~");
        switch (node) {
          case ObjectValue o -> {
            node = o.get(token);
            if (node == null) throw new SchemaException("Object has no key '" + token + "'");
          }
          case ArrayValue a -> {
            int i;
            try {
              i = Integer.parseInt(token);
            } catch (NumberFormatException e) {
              throw new SchemaException("Invalid array index '" + token + "'");
            }
            if (i < 0 || i >= a.size()) {
              throw new SchemaException("Out of bound array[0," + (a.size() - 1) + "] index '" + i + "'");
            }
            node = a.get(i);
          }
          default -> throw new SchemaException("Invalid token reference '" + token + "'");
        }
      }
      return node;
    }

    /** The draft a document's $schema names, or null. */
    private static Integer declaredDraft(Value doc) {
      if (doc instanceof ObjectValue m && m.get("$schema") instanceof StringValue s) {
        try {
          return DRAFT_URLS.get(Ref.parse(s.value()).toString());
        } catch (SchemaException e) {
          return null;
        }
      }
      return null;
    }

    private static SubSchema compile(Value doc) throws SchemaException {
      if (!(doc instanceof ObjectValue) && !(doc instanceof BooleanValue)) throw new SchemaException("schema is invalid");
      Integer draft = null;
      if (doc instanceof ObjectValue m && m.containsKey(StringValue.of("$schema"))) {
        if (!(m.get("$schema") instanceof StringValue s)) throw new SchemaException("$schema must be of type string");
        draft = DRAFT_URLS.get(Ref.parse(s.value()).toString());
      }
      Compiler c = new Compiler();
      Ref root = new Ref("", "");
      Value indexed = c.indexReferences(doc, root, draft);
      c.documents.put("", indexed);
      if (draft != null) c.documentDrafts.put("", draft);
      SubSchema rootSchema = new SubSchema("(root)", null, draft != null ? draft : HYBRID);
      rootSchema.ref = root;
      rootSchema.id = root;
      parse(c, indexed, rootSchema, true);
      return rootSchema;
    }

    // --- the schema model ---

    private static final class SubSchema {
      final String property;
      final SubSchema parent;
      int draft;
      Ref id;
      Ref ref;
      SubSchema refSchema;
      Boolean pass;
      final List<String> types = new ArrayList<>();
      final List<SubSchema> properties = new ArrayList<>();
      final List<SubSchema> items = new ArrayList<>();
      boolean itemsIsSingleSchema;
      Object additionalItems;      // null, Boolean or SubSchema
      Object additionalProperties; // null, Boolean or SubSchema
      Map<String, SubSchema> patternProperties;
      SubSchema propertyNames;
      Map<String, Object> dependencies; // List<String> or SubSchema
      BigDecimal multipleOf;
      BigDecimal maximum;
      BigDecimal exclusiveMaximum;
      BigDecimal minimum;
      BigDecimal exclusiveMinimum;
      Integer minLength;
      Integer maxLength;
      Pattern pattern;
      String format = "";
      Integer minProperties;
      Integer maxProperties;
      final List<String> required = new ArrayList<>();
      Integer minItems;
      Integer maxItems;
      boolean uniqueItems;
      SubSchema contains;
      String constant;
      boolean enumPresent;
      final List<String> enumValues = new ArrayList<>();
      final List<SubSchema> oneOf = new ArrayList<>();
      final List<SubSchema> anyOf = new ArrayList<>();
      final List<SubSchema> allOf = new ArrayList<>();
      SubSchema not;
      SubSchema ifSchema;
      SubSchema thenSchema;
      SubSchema elseSchema;

      SubSchema(String property, SubSchema parent, int draft) {
        this.property = property;
        this.parent = parent;
        this.draft = draft;
      }

      SubSchema child(String childProperty) {
        SubSchema c = new SubSchema(childProperty, this, draft);
        c.ref = ref;
        return c;
      }

      String typesString() {
        if (types.isEmpty()) return "undefined";
        if (types.size() > 1) return "[" + String.join(",", types) + "]";
        return types.get(0);
      }

      void validate(Value node, Result result, String context, int depth) {
        if (depth > MAX_DEPTH) throw BuiltinException.error("json schema: reference cycle");
        if (pass != null) {
          if (!pass) result.add("false", "False always fails validation", Map.of(), context);
          return;
        }
        if (refSchema != null) {
          refSchema.validate(node, result, context, depth + 1);
          return;
        }
        String given = switch (node) {
          case NullValue n -> "null";
          case NumberValue n -> n.isInteger() ? "integer" : "number";
          case ArrayValue a -> "array";
          case ObjectValue o -> "object";
          case BooleanValue b -> "boolean";
          default -> "string";
        };
        boolean validType = types.isEmpty() || types.contains(given)
            || (given.equals("integer") && types.contains("number"));
        if (!validType) {
          result.add("invalid_type", "Invalid type. Expected: {{.expected}}, given: {{.given}}",
              Map.of("expected", typesString(), "given", given), context);
          return;
        }
        validateSchema(node, result, context, depth);
        if (node instanceof NumberValue n) validateNumber(n, result, context);
        if (node instanceof ArrayValue a) validateArray(a, result, context, depth);
        if (node instanceof ObjectValue o) validateObject(o, result, context, depth);
        validateCommon(node, result, context);
        if (node instanceof StringValue s) validateString(s.value(), result, context);
        if (node instanceof ObjectValue o) {
          for (SubSchema p : properties) {
            Value next = o.get(p.property);
            if (next != null) validate(p, next, result, context + "." + p.property, depth);
          }
        }
        result.score++;
      }

      private static void validate(SubSchema s, Value node, Result result, String context, int depth) {
        s.validate(node, result, context, depth + 1);
      }

      private Result sub(SubSchema s, Value node, String context, int depth) {
        Result r = new Result();
        s.validate(node, r, context, depth + 1);
        return r;
      }

      private void validateSchema(Value node, Result result, String context, int depth) {
        if (!anyOf.isEmpty()) {
          boolean validated = false;
          Result best = null;
          for (SubSchema s : anyOf) {
            if (validated) continue;
            Result r = sub(s, node, context, depth);
            validated = r.errors.isEmpty();
            if (!validated && (best == null || r.score > best.score)) best = r;
          }
          if (!validated) {
            result.add("number_any_of", "Must validate at least one schema (anyOf)", Map.of(), context);
            if (best != null) result.merge(best);
          }
        }
        if (!oneOf.isEmpty()) {
          int validated = 0;
          Result best = null;
          for (SubSchema s : oneOf) {
            Result r = sub(s, node, context, depth);
            if (r.errors.isEmpty()) {
              validated++;
            } else if (validated == 0 && (best == null || r.score > best.score)) {
              best = r;
            }
          }
          if (validated != 1) {
            result.add("number_one_of", "Must validate one and only one schema (oneOf)", Map.of(), context);
            if (validated == 0) result.merge(best);
          }
        }
        if (!allOf.isEmpty()) {
          int validated = 0;
          for (SubSchema s : allOf) {
            Result r = sub(s, node, context, depth);
            if (r.errors.isEmpty()) validated++;
            result.merge(r);
          }
          if (validated != allOf.size()) {
            result.add("number_all_of", "Must validate all the schemas (allOf)", Map.of(), context);
          }
        }
        if (not != null && sub(not, node, context, depth).errors.isEmpty()) {
          result.add("number_not", "Must not validate the schema (not)", Map.of(), context);
        }
        if (dependencies != null && node instanceof ObjectValue o) {
          for (int i = 0; i < o.size(); i++) {
            Object dep = dependencies.get(((StringValue) o.keyAt(i)).value());
            if (dep instanceof List<?> keys) {
              for (Object k : keys) {
                if (!o.containsKey(StringValue.of((String) k))) {
                  result.add("missing_dependency", "Has a dependency on {{.dependency}}", Map.of("dependency", k), context);
                }
              }
            } else if (dep instanceof SubSchema s) {
              s.validate(node, result, context, depth + 1);
            }
          }
        }
        if (ifSchema != null) {
          boolean ifValid = sub(ifSchema, node, context, depth).errors.isEmpty();
          if (thenSchema != null && ifValid) {
            Result r = sub(thenSchema, node, context, depth);
            if (!r.errors.isEmpty()) {
              result.add("condition_then", "Must validate \"then\" as \"if\" was valid", Map.of(), context);
              result.merge(r);
            }
          }
          if (elseSchema != null && !ifValid) {
            Result r = sub(elseSchema, node, context, depth);
            if (!r.errors.isEmpty()) {
              result.add("condition_else", "Must validate \"else\" as \"if\" was not valid", Map.of(), context);
              result.merge(r);
            }
          }
        }
        result.score++;
      }

      private void validateCommon(Value node, Result result, String context) {
        if (constant != null && !canonicalJson(node).equals(constant)) {
          result.add("const", "{{.field}} does not match: {{.allowed}}", Map.of("allowed", constant), context);
        }
        if (enumPresent && !enumValues.contains(canonicalJson(node))) {
          String allowed = enumValues.isEmpty() ? "(none)" : String.join(", ", enumValues);
          result.add("enum", "{{.field}} must be one of the following: {{.allowed}}", Map.of("allowed", allowed), context);
        }
        if (!format.isEmpty() && node instanceof StringValue s && !Formats.check(format, s.value())) {
          result.add("format", "Does not match format '{{.format}}'", Map.of("format", format), context);
        }
        result.score++;
      }

      private void validateArray(ArrayValue a, Result result, String context, int depth) {
        int n = a.size();
        if (itemsIsSingleSchema) {
          for (int i = 0; i < n; i++) result.merge(sub(items.get(0), a.get(i), context + "." + i, depth));
        } else if (!items.isEmpty()) {
          int nbItems = items.size();
          for (int i = 0; i != nbItems && i != n; i++) result.merge(sub(items.get(i), a.get(i), context + "." + i, depth));
          if (nbItems < n) {
            if (additionalItems instanceof Boolean b) {
              if (!b) result.add("array_no_additional_items", "No additional items allowed on array", Map.of(), context);
            } else if (additionalItems instanceof SubSchema s) {
              for (int i = nbItems; i != n; i++) result.merge(sub(s, a.get(i), context + "." + i, depth));
            }
          }
        }
        if (minItems != null && n < minItems) {
          result.add("array_min_items", "Array must have at least {{.min}} items", Map.of("min", minItems), context);
        }
        if (maxItems != null && n > maxItems) {
          result.add("array_max_items", "Array must have at most {{.max}} items", Map.of("max", maxItems), context);
        }
        if (uniqueItems) {
          Map<String, Integer> seen = new LinkedHashMap<>();
          for (int j = 0; j < n; j++) {
            String text = canonicalJson(a.get(j));
            Integer i = seen.get(text);
            if (i != null) {
              result.add("unique", "{{.type}} items[{{.i}},{{.j}}] must be unique",
                  Map.of("type", "array", "i", i, "j", j), context);
            }
            seen.put(text, j);
          }
        }
        if (contains != null) {
          boolean validatedOne = false;
          Result best = null;
          for (int i = 0; i < n; i++) {
            Result r = sub(contains, a.get(i), context + "." + i, depth);
            if (r.errors.isEmpty()) {
              validatedOne = true;
              break;
            }
            if (best == null || r.score > best.score) best = r;
          }
          if (!validatedOne) {
            result.add("contains", "At least one of the items must match", Map.of(), context);
            if (best != null) result.merge(best);
          }
        }
        result.score++;
      }

      private void validateObject(ObjectValue o, Result result, String context, int depth) {
        if (minProperties != null && o.size() < minProperties) {
          result.add("array_min_properties", "Must have at least {{.min}} properties", Map.of("min", minProperties), context);
        }
        if (maxProperties != null && o.size() > maxProperties) {
          result.add("array_max_properties", "Must have at most {{.max}} properties", Map.of("max", maxProperties), context);
        }
        for (String r : required) {
          if (o.containsKey(StringValue.of(r))) {
            result.score++;
          } else {
            result.add("required", "{{.property}} is required", Map.of("property", r), context);
          }
        }
        for (int i = 0; i < o.size(); i++) {
          String pk = ((StringValue) o.keyAt(i)).value();
          Value pv = o.valueAt(i);
          boolean found = false;
          for (SubSchema p : properties) found |= p.property.equals(pk);
          boolean patternMatch = false;
          if (patternProperties != null) {
            for (Map.Entry<String, SubSchema> e : patternProperties.entrySet()) {
              if (regex(e.getKey()).matcher(pk).find()) {
                patternMatch = true;
                result.merge(sub(e.getValue(), pv, context + "." + pk, depth));
              }
            }
            if (patternMatch) result.score++;
          }
          if (!found && !patternMatch) {
            if (additionalProperties instanceof Boolean b) {
              if (!b) {
                result.add("additional_property_not_allowed", "Additional property {{.property}} is not allowed",
                    Map.of("property", pk), context);
              }
            } else if (additionalProperties instanceof SubSchema s) {
              result.merge(sub(s, pv, context + "." + pk, depth));
            }
          }
        }
        if (propertyNames != null) {
          for (int i = 0; i < o.size(); i++) {
            String pk = ((StringValue) o.keyAt(i)).value();
            Result r = sub(propertyNames, StringValue.of(pk), context, depth);
            if (!r.errors.isEmpty()) {
              result.add("invalid_property_name", "Property name of \"{{.property}}\" does not match",
                  Map.of("property", pk), context);
              result.merge(r);
            }
          }
        }
        result.score++;
      }

      private void validateString(String s, Result result, String context) {
        int length = s.codePointCount(0, s.length());
        if (minLength != null && length < minLength) {
          result.add("string_gte", "String length must be greater than or equal to {{.min}}", Map.of("min", minLength), context);
        }
        if (maxLength != null && length > maxLength) {
          result.add("string_lte", "String length must be less than or equal to {{.max}}", Map.of("max", maxLength), context);
        }
        if (pattern != null && !pattern.matcher(s).find()) {
          result.add("pattern", "Does not match pattern '{{.pattern}}'", Map.of("pattern", pattern.pattern()), context);
        }
        result.score++;
      }

      private void validateNumber(NumberValue n, Result result, String context) {
        BigDecimal v = n.toBigDecimal();
        if (multipleOf != null && v.remainder(multipleOf).signum() != 0) {
          result.add("multiple_of", "Must be a multiple of {{.multiple}}", Map.of("multiple", multipleOf), context);
        }
        if (maximum != null && v.compareTo(maximum) > 0) {
          result.add("number_lte", "Must be less than or equal to {{.max}}", Map.of("max", maximum), context);
        }
        if (exclusiveMaximum != null && v.compareTo(exclusiveMaximum) >= 0) {
          result.add("number_lt", "Must be less than {{.max}}", Map.of("max", exclusiveMaximum), context);
        }
        if (minimum != null && v.compareTo(minimum) < 0) {
          result.add("number_gte", "Must be greater than or equal to {{.min}}", Map.of("min", minimum), context);
        }
        if (exclusiveMinimum != null && v.compareTo(exclusiveMinimum) <= 0) {
          result.add("number_gt", "Must be greater than {{.min}}", Map.of("min", exclusiveMinimum), context);
        }
        result.score++;
      }
    }

    /** A validation error. The context is "(root).a.b"; the field drops the "(root)." prefix. */
    private record Error(String type, String description, String context) {
      String field() { return context.startsWith("(root).") ? context.substring(7) : context; }
    }

    /** Errors plus the score gojsonschema uses to rank anyOf/oneOf/contains candidates. */
    private static final class Result {
      final List<Error> errors = new ArrayList<>();
      int score;

      void add(String type, String format, Map<String, Object> details, String context) {
        String field = context.startsWith("(root).") ? context.substring(7) : context;
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.put("field", field);
        all.put("context", context);
        errors.add(new Error(type, template(format, all), context));
        score -= 2;
      }

      void merge(Result other) {
        errors.addAll(other.errors);
        score += other.score;
      }
    }

    /** Substitutes {{.name}} placeholders as Go's text/template prints the detail values. */
    private static String template(String format, Map<String, Object> details) {
      StringBuilder sb = new StringBuilder();
      int i = 0;
      while (true) {
        int open = format.indexOf("{{.", i);
        if (open < 0) break;
        int close = format.indexOf("}}", open);
        sb.append(format, i, open);
        Object v = details.get(format.substring(open + 3, close));
        sb.append(v instanceof BigDecimal d ? goFloatText(d) : v == null ? "<no value>" : v.toString());
        i = close + 2;
      }
      return sb.append(format.substring(i)).toString();
    }

    /** A big.Float printed with %v (shortest digits, exponent form outside [1e-4, 1e6)). */
    private static String goFloatText(BigDecimal d) {
      if (d.signum() == 0) return "0";
      BigDecimal s = d.stripTrailingZeros();
      String digits = s.unscaledValue().abs().toString();
      int exp = digits.length() - s.scale() - 1;
      String sign = s.signum() < 0 ? "-" : "";
      if (exp < -4 || exp >= 6) {
        String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
      }
      return sign + s.abs().toPlainString();
    }

    /**
     * gojsonschema's marshalWithoutNumber: JSON with Go's escaping, numbers as float64 (so 1.0
     * and 1 compare equal) and sorted keys; used for const, enum and uniqueItems.
     */
    private static String canonicalJson(Value v) {
      StringBuilder sb = new StringBuilder();
      canonical(sb, v);
      return sb.toString();
    }

    private static void canonical(StringBuilder sb, Value v) {
      switch (v) {
        case NumberValue n -> {
          double d = n.doubleValue();
          if (Double.isInfinite(d)) throw BuiltinException.error("json: cannot unmarshal number " + n + " into Go value of type float64");
          sb.append(YamlBuiltins.goJsonFloat(d));
        }
        case ArrayValue a -> {
          sb.append('[');
          for (int i = 0; i < a.size(); i++) {
            if (i > 0) sb.append(',');
            canonical(sb, a.get(i));
          }
          sb.append(']');
        }
        case ObjectValue o -> {
          sb.append('{');
          for (int i = 0; i < o.size(); i++) {
            if (i > 0) sb.append(',');
            Json.quote(sb, ((StringValue) o.keyAt(i)).value(), true);
            sb.append(':');
            canonical(sb, o.valueAt(i));
          }
          sb.append('}');
        }
        default -> sb.append(Json.writeGo(v));
      }
    }

    // --- parsing ---

    private static SchemaException invalidType(String expected, String given) {
      return new SchemaException("Invalid type. Expected: " + expected + ", given: " + given);
    }

    private static SchemaException mustBeOfA(String x, String y) { return new SchemaException(x + " must be of a " + y); }

    private static SchemaException mustBeOfAn(String x, String y) { return new SchemaException(x + " must be of an " + y); }

    private static String getString(ObjectValue m, String key) throws SchemaException {
      Value v = m.get(key);
      if (v == null) return null;
      if (!(v instanceof StringValue s)) throw invalidType("string", key);
      return s.value();
    }

    private static List<Value> getSlice(ObjectValue m, String key) throws SchemaException {
      Value v = m.get(key);
      if (v == null) return List.of();
      if (!(v instanceof ArrayValue a)) throw mustBeOfAn(key, "array");
      return a.asList();
    }

    private static BigDecimal number(Value v) {
      return v instanceof NumberValue n ? n.toBigDecimal() : null;
    }

    /** An integer that fits an int64 (the value's text must parse as one). */
    private static Integer integer(Value v) {
      if (!(v instanceof NumberValue n) || !n.isInteger()) return null;
      try {
        long l = Long.parseLong(n.toString());
        return l > Integer.MAX_VALUE ? Integer.MAX_VALUE : l < Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) l;
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private static Integer nonNegative(ObjectValue m, String key) throws SchemaException {
      Value v = m.get(key);
      if (v == null) return null;
      Integer i = integer(v);
      if (i == null) throw mustBeOfAn(key, "integer");
      if (i < 0) throw new SchemaException(key + " must be greater than or equal to 0");
      return i;
    }

    private static boolean isSchema(Value v) { return v instanceof ObjectValue || v instanceof BooleanValue; }

    private static SubSchema parseChild(Compiler c, SubSchema parent, String property, Value v) throws SchemaException {
      SubSchema s = parent.child(property);
      parse(c, v, s, false);
      return s;
    }

    private static void parse(Compiler c, Value node, SubSchema s, boolean root) throws SchemaException {
      if (s.draft >= DRAFT6 && node instanceof BooleanValue b) {
        s.pass = b.value();
        return;
      }
      if (!(node instanceof ObjectValue m)) throw new SchemaException("Expected: valid schema, given: Invalid JSON");
      if (s.id == null && s.parent != null) s.id = s.parent.id;
      String idKey = switch (s.draft) {
        case DRAFT4 -> "id";
        case HYBRID -> m.containsKey(StringValue.of("id")) ? "id" : "$id";
        default -> "$id";
      };
      String id = getString(m, idKey);
      if (id != null) s.id = root ? Ref.parse(id) : s.parent.id.inherit(Ref.parse(id));

      if (m.get("definitions") != null) {
        if (!(m.get("definitions") instanceof ObjectValue defs)) throw invalidType("array of schemas", "definitions");
        for (Value d : defs.values()) {
          if (!isSchema(d)) throw invalidType("array of schemas", "definitions");
          parseChild(c, s, "definitions", d);
        }
      }
      getString(m, "title");
      getString(m, "description");
      String ref = getString(m, "$ref");
      if (ref != null) {
        s.ref = Ref.parse(ref);
        SubSchema pooled = c.referencePool.get(s.ref.toString());
        if (pooled != null) {
          s.refSchema = pooled;
        } else {
          SubSchema target = s.child("$ref");
          c.referencePool.put(s.ref.toString(), target);
          int[] draft = new int[1];
          Value doc = c.document(s.ref, draft);
          target.id = s.ref;
          if (draft[0] != 0) target.draft = draft[0];
          if (!isSchema(doc)) throw new SchemaException("valid schema must be of type object");
          parse(c, doc, target, false);
          s.refSchema = target;
          return;
        }
      }
      Value type = m.get("type");
      if (type != null) {
        if (type instanceof StringValue t) {
          addType(s, t.value());
        } else if (type instanceof ArrayValue ts) {
          for (Value t : ts.asList()) {
            if (!(t instanceof StringValue tv)) throw invalidType("type", "string/array of strings");
            addType(s, tv.value());
          }
        } else {
          throw invalidType("type", "string/array of strings");
        }
      }
      if (m.get("properties") != null) {
        if (!(m.get("properties") instanceof ObjectValue props)) throw new SchemaException("properties must be of type object");
        for (int i = 0; i < props.size(); i++) {
          s.properties.add(parseChild(c, s, ((StringValue) props.keyAt(i)).value(), props.valueAt(i)));
        }
      }
      Value additionalProperties = m.get("additionalProperties");
      if (additionalProperties != null) {
        if (additionalProperties instanceof BooleanValue b) s.additionalProperties = b.value();
        else if (additionalProperties instanceof ObjectValue) {
          s.additionalProperties = parseChild(c, s, "additionalProperties", additionalProperties);
        } else {
          throw invalidType("boolean/valid schema", "additionalProperties");
        }
      }
      Value patternProperties = m.get("patternProperties");
      if (patternProperties != null) {
        if (!(patternProperties instanceof ObjectValue pp)) throw invalidType("valid schema", "patternProperties");
        if (!pp.isEmpty()) {
          s.patternProperties = new LinkedHashMap<>();
          for (int i = 0; i < pp.size(); i++) {
            String k = ((StringValue) pp.keyAt(i)).value();
            try {
              regex(k);
            } catch (PatternSyntaxException e) {
              throw new SchemaException("Invalid regex pattern '" + k + "'");
            }
            s.patternProperties.put(k, parseChild(c, s, k, pp.valueAt(i)));
          }
        }
      }
      Value propertyNames = m.get("propertyNames");
      if (propertyNames != null && s.draft >= DRAFT6) {
        if (!isSchema(propertyNames)) throw invalidType("valid schema", "patternProperties");
        s.propertyNames = parseChild(c, s, "propertyNames", propertyNames);
      }
      Value dependencies = m.get("dependencies");
      if (dependencies != null) {
        if (!(dependencies instanceof ObjectValue deps)) throw new SchemaException("dependencies must be of type object");
        s.dependencies = new LinkedHashMap<>();
        for (int i = 0; i < deps.size(); i++) {
          String k = ((StringValue) deps.keyAt(i)).value();
          Value v = deps.valueAt(i);
          if (v instanceof ArrayValue list) {
            List<String> keys = new ArrayList<>();
            for (Value e : list.asList()) {
              if (!(e instanceof StringValue es)) throw new SchemaException("dependency must be of type schema or array of strings");
              keys.add(es.value());
            }
            if (!keys.isEmpty()) s.dependencies.put(k, keys);
          } else if (isSchema(v)) {
            s.dependencies.put(k, parseChild(c, s, k, v));
          } else {
            throw new SchemaException("dependency must be of type schema or array of strings");
          }
        }
      }
      Value items = m.get("items");
      if (items != null) {
        if (items instanceof ArrayValue list) {
          for (Value e : list.asList()) {
            if (!isSchema(e)) throw invalidType("valid schema/array of schemas", "items");
            s.items.add(parseChild(c, s, "items", e));
          }
          s.itemsIsSingleSchema = false;
        } else if (isSchema(items)) {
          s.items.add(parseChild(c, s, "items", items));
          s.itemsIsSingleSchema = true;
        } else {
          throw invalidType("valid schema/array of schemas", "items");
        }
      }
      Value additionalItems = m.get("additionalItems");
      if (additionalItems != null) {
        if (additionalItems instanceof BooleanValue b) s.additionalItems = b.value();
        else if (additionalItems instanceof ObjectValue) s.additionalItems = parseChild(c, s, "additionalItems", additionalItems);
        else throw invalidType("boolean/valid schema", "additionalItems");
      }
      if (m.get("multipleOf") != null) {
        BigDecimal v = number(m.get("multipleOf"));
        if (v == null) throw invalidType("number", "multipleOf");
        if (v.signum() <= 0) throw new SchemaException("multipleOf must be strictly greater than 0");
        s.multipleOf = v;
      }
      if (m.get("minimum") != null) {
        s.minimum = number(m.get("minimum"));
        if (s.minimum == null) throw mustBeOfA("minimum", "number");
      }
      Value exclusiveMinimum = m.get("exclusiveMinimum");
      if (exclusiveMinimum != null) {
        if (s.draft == DRAFT4 || (s.draft == HYBRID && exclusiveMinimum instanceof BooleanValue)) {
          if (!(exclusiveMinimum instanceof BooleanValue b)) throw invalidType("boolean", "exclusiveMinimum");
          if (s.minimum == null) throw new SchemaException("exclusiveMinimum cannot be used without minimum");
          if (b.value()) {
            s.exclusiveMinimum = s.minimum;
            s.minimum = null;
          }
        } else if (exclusiveMinimum instanceof NumberValue n) {
          s.exclusiveMinimum = n.toBigDecimal();
        } else {
          throw invalidType(s.draft == HYBRID ? "boolean/number" : "number", "exclusiveMinimum");
        }
      }
      if (m.get("maximum") != null) {
        s.maximum = number(m.get("maximum"));
        if (s.maximum == null) throw mustBeOfA("maximum", "number");
      }
      Value exclusiveMaximum = m.get("exclusiveMaximum");
      if (exclusiveMaximum != null) {
        if (s.draft == DRAFT4 || (s.draft == HYBRID && exclusiveMaximum instanceof BooleanValue)) {
          if (!(exclusiveMaximum instanceof BooleanValue b)) throw invalidType("boolean", "exclusiveMaximum");
          if (s.maximum == null) throw new SchemaException("exclusiveMaximum cannot be used without maximum");
          if (b.value()) {
            s.exclusiveMaximum = s.maximum;
            s.maximum = null;
          }
        } else if (exclusiveMaximum instanceof NumberValue n) {
          s.exclusiveMaximum = n.toBigDecimal();
        } else {
          throw invalidType(s.draft == HYBRID ? "boolean/number" : "number", "exclusiveMaximum");
        }
      }
      s.minLength = nonNegative(m, "minLength");
      s.maxLength = nonNegative(m, "maxLength");
      if (s.minLength != null && s.maxLength != null && s.minLength > s.maxLength) {
        throw new SchemaException("minLength cannot be greater than maxLength");
      }
      String pattern = getString(m, "pattern");
      if (pattern != null) {
        try {
          s.pattern = regex(pattern);
        } catch (PatternSyntaxException e) {
          throw new SchemaException("pattern must be a valid regex");
        }
      }
      String format = getString(m, "format");
      if (format != null) s.format = format;
      s.minProperties = nonNegative(m, "minProperties");
      s.maxProperties = nonNegative(m, "maxProperties");
      if (s.minProperties != null && s.maxProperties != null && s.minProperties > s.maxProperties) {
        throw new SchemaException("minProperties cannot be greater than maxProperties");
      }
      for (Value r : getSlice(m, "required")) {
        if (!(r instanceof StringValue rs)) throw invalidType("string", "required");
        if (s.required.contains(rs.value())) throw new SchemaException("required items must be unique");
        s.required.add(rs.value());
      }
      s.minItems = nonNegative(m, "minItems");
      s.maxItems = nonNegative(m, "maxItems");
      if (m.get("uniqueItems") != null) {
        if (!(m.get("uniqueItems") instanceof BooleanValue b)) throw mustBeOfA("uniqueItems", "boolean");
        s.uniqueItems = b.value();
      }
      if (m.get("contains") != null && s.draft >= DRAFT6) s.contains = parseChild(c, s, "contains", m.get("contains"));
      if (m.get("const") != null && s.draft >= DRAFT6) s.constant = canonicalJson(m.get("const"));
      List<Value> enumList = getSlice(m, "enum");
      s.enumPresent = m.containsKey(StringValue.of("enum"));
      for (Value e : enumList) {
        String text = canonicalJson(e);
        if (s.enumValues.contains(text)) throw new SchemaException("enum items must be unique");
        s.enumValues.add(text);
      }
      for (Value v : getSlice(m, "oneOf")) s.oneOf.add(parseChild(c, s, "oneOf", v));
      for (Value v : getSlice(m, "anyOf")) s.anyOf.add(parseChild(c, s, "anyOf", v));
      for (Value v : getSlice(m, "allOf")) s.allOf.add(parseChild(c, s, "allOf", v));
      if (m.get("not") != null) {
        if (!isSchema(m.get("not"))) throw mustBeOfAn("not", "object");
        s.not = parseChild(c, s, "not", m.get("not"));
      }
      if (s.draft >= DRAFT7) {
        if (m.get("if") != null) {
          if (!isSchema(m.get("if"))) throw mustBeOfAn("if", "object");
          s.ifSchema = parseChild(c, s, "if", m.get("if"));
        }
        if (m.get("then") != null) {
          if (!isSchema(m.get("then"))) throw mustBeOfAn("then", "object");
          s.thenSchema = parseChild(c, s, "then", m.get("then"));
        }
        if (m.get("else") != null) {
          if (!isSchema(m.get("else"))) throw mustBeOfAn("else", "object");
          s.elseSchema = parseChild(c, s, "else", m.get("else"));
        }
      }
    }

    private static void addType(SubSchema s, String type) throws SchemaException {
      if (!JSON_TYPES.contains(type)) {
        throw new SchemaException("has a primitive type that is NOT VALID -- given: /" + type
            + "/ Expected valid values are:[" + String.join(" ", JSON_TYPES) + "]");
      }
      if (s.types.contains(type)) throw new SchemaException(type + " type is duplicated");
      s.types.add(type);
    }

    // --- regular expressions (RE2, as Go) ---

    private static final Map<String, Pattern> PATTERNS =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
            return size() > 256;
          }
        };

    static Pattern regex(String pattern) {
      synchronized (PATTERNS) {
        Pattern p = PATTERNS.get(pattern);
        if (p == null) {
          p = Pattern.compile(pattern);
          PATTERNS.put(pattern, p);
        }
        return p;
      }
    }

    /** gojsonschema's format checkers; unknown formats always pass. */
    private static final class Formats {
      private static final Pattern HOSTNAME = Pattern.compile(
          "^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]{0,61}[a-zA-Z0-9])(\\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]{0,61}[a-zA-Z0-9]))*$");
      private static final Pattern URI_TEMPLATE = Pattern.compile("^([^{]*({[^}]*})?)*$");
      private static final Pattern UUID = Pattern.compile(
          "^(?i)[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$");
      private static final Pattern JSON_POINTER = Pattern.compile("^(?:/(?:[^~/]|~0|~1)*)*$");
      private static final Pattern RELATIVE_JSON_POINTER = Pattern.compile(
          "^(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~0|~1)*)*)$");

      static boolean check(String format, String s) {
        return switch (format) {
          case "date" -> parsesAs(s, "2006-01-02");
          case "time" -> parsesAs(s, "15:04:05Z07:00", "15:04:05");
          case "date-time" -> parsesAs(s, "15:04:05", "15:04:05Z07:00", "2006-01-02", "2006-01-02T15:04:05Z07:00",
              "2006-01-02T15:04:05.999999999Z07:00");
          case "hostname" -> HOSTNAME.matcher(s).find() && s.getBytes(StandardCharsets.UTF_8).length < 256;
          case "email", "idn-email" -> isMailAddress(s);
          case "ipv4" -> NetBuiltins.parseIp(s) != null && s.contains(".");
          case "ipv6" -> NetBuiltins.parseIp(s) != null && s.contains(":");
          case "uri", "iri" -> {
            String[] u = UriBuiltins.schemeAndPath(s);
            yield u != null && !u[0].isEmpty() && !s.contains("\\");
          }
          case "uri-reference", "iri-reference" -> UriBuiltins.schemeAndPath(s) != null && !s.contains("\\");
          case "uri-template" -> {
            String[] u = UriBuiltins.schemeAndPath(s);
            yield u != null && !s.contains("\\") && URI_TEMPLATE.matcher(u[1]).find();
          }
          case "uuid" -> UUID.matcher(s).find();
          case "regex" -> {
            try {
              if (!s.isEmpty()) regex(s);
              yield true;
            } catch (PatternSyntaxException e) {
              yield false;
            }
          }
          case "json-pointer" -> JSON_POINTER.matcher(s).find();
          case "relative-json-pointer" -> RELATIVE_JSON_POINTER.matcher(s).find();
          default -> true;
        };
      }

      private static boolean parsesAs(String s, String... layouts) {
        for (String layout : layouts) {
          try {
            TimeBuiltins.parse(layout, s);
            return true;
          } catch (BuiltinException e) {
            // try the next layout
          }
        }
        return false;
      }

      /** Go's net/mail.ParseAddress: "addr-spec" or "display name <addr-spec>". */
      private static boolean isMailAddress(String s) {
        String t = s.trim();
        if (t.endsWith(">")) {
          int open = t.lastIndexOf('<');
          if (open < 0) return false;
          String name = t.substring(0, open).trim();
          if (!name.isEmpty() && !isDisplayName(name)) return false;
          return isAddrSpec(t.substring(open + 1, t.length() - 1));
        }
        return isAddrSpec(t);
      }

      private static boolean isDisplayName(String name) {
        if (name.startsWith("\"") && name.endsWith("\"") && name.length() >= 2) return true;
        for (String word : name.split("\\s+")) {
          if (!isAtom(word, false)) return false;
        }
        return true;
      }

      private static boolean isAddrSpec(String a) {
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1) return false;
        String local = a.substring(0, at);
        String domain = a.substring(at + 1);
        boolean localOk = local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")
            ? local.chars().noneMatch(ch -> ch < 0x20 && ch != '\t')
            : isAtom(local, true);
        boolean domainOk = domain.startsWith("[") && domain.endsWith("]")
            ? domain.chars().noneMatch(ch -> ch == '\\' || ch < 0x20)
            : isAtom(domain, true);
        return localOk && domainOk;
      }

      /** An atom (dot-atom when dots are allowed): atext characters, no empty labels. */
      private static boolean isAtom(String s, boolean dot) {
        if (s.isEmpty()) return false;
        if (dot && (s.startsWith(".") || s.endsWith(".") || s.contains(".."))) return false;
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          boolean atext = Character.isLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c >= 0x80;
          if (!atext && !(dot && c == '.')) return false;
        }
        return true;
      }
    }

    /** The embedded draft meta-schemas, by URL (as gojsonschema ships them). */
    private static final Map<String, String> META_SCHEMAS = Map.of(
        "http://json-schema.org/draft-04/schema", "{\"id\":\"http://json-schema.org/draft-04/schema#\",\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"description\":\"Core schema meta-schema\",\"definitions\":{\"schemaArray\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"$ref\":\"#\"}},\"positiveInteger\":{\"type\":\"integer\",\"minimum\":0},\"positiveIntegerDefault0\":{\"allOf\":[{\"$ref\":\"#/definitions/positiveInteger\"},{\"default\":0}]},\"simpleTypes\":{\"enum\":[\"array\",\"boolean\",\"integer\",\"null\",\"number\",\"object\",\"string\"]},\"stringArray\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1,\"uniqueItems\":true}},\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"$schema\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"},\"default\":{},\"multipleOf\":{\"type\":\"number\",\"minimum\":0,\"exclusiveMinimum\":true},\"maximum\":{\"type\":\"number\"},\"exclusiveMaximum\":{\"type\":\"boolean\",\"default\":false},\"minimum\":{\"type\":\"number\"},\"exclusiveMinimum\":{\"type\":\"boolean\",\"default\":false},\"maxLength\":{\"$ref\":\"#/definitions/positiveInteger\"},\"minLength\":{\"$ref\":\"#/definitions/positiveIntegerDefault0\"},\"pattern\":{\"type\":\"string\",\"format\":\"regex\"},\"additionalItems\":{\"anyOf\":[{\"type\":\"boolean\"},{\"$ref\":\"#\"}],\"default\":{}},\"items\":{\"anyOf\":[{\"$ref\":\"#\"},{\"$ref\":\"#/definitions/schemaArray\"}],\"default\":{}},\"maxItems\":{\"$ref\":\"#/definitions/positiveInteger\"},\"minItems\":{\"$ref\":\"#/definitions/positiveIntegerDefault0\"},\"uniqueItems\":{\"type\":\"boolean\",\"default\":false},\"maxProperties\":{\"$ref\":\"#/definitions/positiveInteger\"},\"minProperties\":{\"$ref\":\"#/definitions/positiveIntegerDefault0\"},\"required\":{\"$ref\":\"#/definitions/stringArray\"},\"additionalProperties\":{\"anyOf\":[{\"type\":\"boolean\"},{\"$ref\":\"#\"}],\"default\":{}},\"definitions\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"default\":{}},\"properties\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"default\":{}},\"patternProperties\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"default\":{}},\"dependencies\":{\"type\":\"object\",\"additionalProperties\":{\"anyOf\":[{\"$ref\":\"#\"},{\"$ref\":\"#/definitions/stringArray\"}]}},\"enum\":{\"type\":\"array\",\"minItems\":1,\"uniqueItems\":true},\"type\":{\"anyOf\":[{\"$ref\":\"#/definitions/simpleTypes\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/simpleTypes\"},\"minItems\":1,\"uniqueItems\":true}]},\"format\":{\"type\":\"string\"},\"allOf\":{\"$ref\":\"#/definitions/schemaArray\"},\"anyOf\":{\"$ref\":\"#/definitions/schemaArray\"},\"oneOf\":{\"$ref\":\"#/definitions/schemaArray\"},\"not\":{\"$ref\":\"#\"}},\"dependencies\":{\"exclusiveMaximum\":[\"maximum\"],\"exclusiveMinimum\":[\"minimum\"]},\"default\":{}}",
        "http://json-schema.org/draft-06/schema", "{\"$schema\":\"http://json-schema.org/draft-06/schema#\",\"$id\":\"http://json-schema.org/draft-06/schema#\",\"title\":\"Core schema meta-schema\",\"definitions\":{\"schemaArray\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"$ref\":\"#\"}},\"nonNegativeInteger\":{\"type\":\"integer\",\"minimum\":0},\"nonNegativeIntegerDefault0\":{\"allOf\":[{\"$ref\":\"#/definitions/nonNegativeInteger\"},{\"default\":0}]},\"simpleTypes\":{\"enum\":[\"array\",\"boolean\",\"integer\",\"null\",\"number\",\"object\",\"string\"]},\"stringArray\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"uniqueItems\":true,\"default\":[]}},\"type\":[\"object\",\"boolean\"],\"properties\":{\"$id\":{\"type\":\"string\",\"format\":\"uri-reference\"},\"$schema\":{\"type\":\"string\",\"format\":\"uri\"},\"$ref\":{\"type\":\"string\",\"format\":\"uri-reference\"},\"title\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"},\"default\":{},\"examples\":{\"type\":\"array\",\"items\":{}},\"multipleOf\":{\"type\":\"number\",\"exclusiveMinimum\":0},\"maximum\":{\"type\":\"number\"},\"exclusiveMaximum\":{\"type\":\"number\"},\"minimum\":{\"type\":\"number\"},\"exclusiveMinimum\":{\"type\":\"number\"},\"maxLength\":{\"$ref\":\"#/definitions/nonNegativeInteger\"},\"minLength\":{\"$ref\":\"#/definitions/nonNegativeIntegerDefault0\"},\"pattern\":{\"type\":\"string\",\"format\":\"regex\"},\"additionalItems\":{\"$ref\":\"#\"},\"items\":{\"anyOf\":[{\"$ref\":\"#\"},{\"$ref\":\"#/definitions/schemaArray\"}],\"default\":{}},\"maxItems\":{\"$ref\":\"#/definitions/nonNegativeInteger\"},\"minItems\":{\"$ref\":\"#/definitions/nonNegativeIntegerDefault0\"},\"uniqueItems\":{\"type\":\"boolean\",\"default\":false},\"contains\":{\"$ref\":\"#\"},\"maxProperties\":{\"$ref\":\"#/definitions/nonNegativeInteger\"},\"minProperties\":{\"$ref\":\"#/definitions/nonNegativeIntegerDefault0\"},\"required\":{\"$ref\":\"#/definitions/stringArray\"},\"additionalProperties\":{\"$ref\":\"#\"},\"definitions\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"default\":{}},\"properties\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"default\":{}},\"patternProperties\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"default\":{}},\"dependencies\":{\"type\":\"object\",\"additionalProperties\":{\"anyOf\":[{\"$ref\":\"#\"},{\"$ref\":\"#/definitions/stringArray\"}]}},\"propertyNames\":{\"$ref\":\"#\"},\"const\":{},\"enum\":{\"type\":\"array\",\"minItems\":1,\"uniqueItems\":true},\"type\":{\"anyOf\":[{\"$ref\":\"#/definitions/simpleTypes\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/simpleTypes\"},\"minItems\":1,\"uniqueItems\":true}]},\"format\":{\"type\":\"string\"},\"allOf\":{\"$ref\":\"#/definitions/schemaArray\"},\"anyOf\":{\"$ref\":\"#/definitions/schemaArray\"},\"oneOf\":{\"$ref\":\"#/definitions/schemaArray\"},\"not\":{\"$ref\":\"#\"}},\"default\":{}}",
        "http://json-schema.org/draft-07/schema", "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"$id\":\"http://json-schema.org/draft-07/schema#\",\"title\":\"Core schema meta-schema\",\"definitions\":{\"schemaArray\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"$ref\":\"#\"}},\"nonNegativeInteger\":{\"type\":\"integer\",\"minimum\":0},\"nonNegativeIntegerDefault0\":{\"allOf\":[{\"$ref\":\"#/definitions/nonNegativeInteger\"},{\"default\":0}]},\"simpleTypes\":{\"enum\":[\"array\",\"boolean\",\"integer\",\"null\",\"number\",\"object\",\"string\"]},\"stringArray\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"uniqueItems\":true,\"default\":[]}},\"type\":[\"object\",\"boolean\"],\"properties\":{\"$id\":{\"type\":\"string\",\"format\":\"uri-reference\"},\"$schema\":{\"type\":\"string\",\"format\":\"uri\"},\"$ref\":{\"type\":\"string\",\"format\":\"uri-reference\"},\"$comment\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"},\"default\":true,\"readOnly\":{\"type\":\"boolean\",\"default\":false},\"examples\":{\"type\":\"array\",\"items\":true},\"multipleOf\":{\"type\":\"number\",\"exclusiveMinimum\":0},\"maximum\":{\"type\":\"number\"},\"exclusiveMaximum\":{\"type\":\"number\"},\"minimum\":{\"type\":\"number\"},\"exclusiveMinimum\":{\"type\":\"number\"},\"maxLength\":{\"$ref\":\"#/definitions/nonNegativeInteger\"},\"minLength\":{\"$ref\":\"#/definitions/nonNegativeIntegerDefault0\"},\"pattern\":{\"type\":\"string\",\"format\":\"regex\"},\"additionalItems\":{\"$ref\":\"#\"},\"items\":{\"anyOf\":[{\"$ref\":\"#\"},{\"$ref\":\"#/definitions/schemaArray\"}],\"default\":true},\"maxItems\":{\"$ref\":\"#/definitions/nonNegativeInteger\"},\"minItems\":{\"$ref\":\"#/definitions/nonNegativeIntegerDefault0\"},\"uniqueItems\":{\"type\":\"boolean\",\"default\":false},\"contains\":{\"$ref\":\"#\"},\"maxProperties\":{\"$ref\":\"#/definitions/nonNegativeInteger\"},\"minProperties\":{\"$ref\":\"#/definitions/nonNegativeIntegerDefault0\"},\"required\":{\"$ref\":\"#/definitions/stringArray\"},\"additionalProperties\":{\"$ref\":\"#\"},\"definitions\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"default\":{}},\"properties\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"default\":{}},\"patternProperties\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},\"propertyNames\":{\"format\":\"regex\"},\"default\":{}},\"dependencies\":{\"type\":\"object\",\"additionalProperties\":{\"anyOf\":[{\"$ref\":\"#\"},{\"$ref\":\"#/definitions/stringArray\"}]}},\"propertyNames\":{\"$ref\":\"#\"},\"const\":true,\"enum\":{\"type\":\"array\",\"items\":true,\"minItems\":1,\"uniqueItems\":true},\"type\":{\"anyOf\":[{\"$ref\":\"#/definitions/simpleTypes\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/simpleTypes\"},\"minItems\":1,\"uniqueItems\":true}]},\"format\":{\"type\":\"string\"},\"contentMediaType\":{\"type\":\"string\"},\"contentEncoding\":{\"type\":\"string\"},\"if\":{\"$ref\":\"#\"},\"then\":{\"$ref\":\"#\"},\"else\":{\"$ref\":\"#\"},\"allOf\":{\"$ref\":\"#/definitions/schemaArray\"},\"anyOf\":{\"$ref\":\"#/definitions/schemaArray\"},\"oneOf\":{\"$ref\":\"#/definitions/schemaArray\"},\"not\":{\"$ref\":\"#\"}},\"default\":true}");
  }
}
