package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.scanner.ScannerException;

/**
 * yaml.marshal, yaml.unmarshal and yaml.is_valid as OPA implements them with sigs.k8s.io/yaml:
 * values travel through JSON and go-yaml v2, so scalars are resolved with YAML 1.1 rules
 * (yes/no/on/off are booleans, 0x1F is an integer) and output has go-yaml v2's layout (sorted keys,
 * sequences not indented under keys, 80-column folding, go-yaml's quoting choices).
 */
public final class YamlBuiltins implements BuiltinRegistrar {

  @Override
  public void register(BuiltinRegistry r) {
    r.function("yaml.marshal", (ctx, a) -> StringValue.of(marshal(a[0])));
    r.function("yaml.unmarshal", (ctx, a) -> unmarshal(Args.string(a, 0)));
    r.functionCheckingOwnOperands("yaml.is_valid", (ctx, a) -> {
      if (!(a[0] instanceof StringValue s)) return BooleanValue.FALSE;
      try {
        unmarshal(s.value());
        return BooleanValue.TRUE;
      } catch (BuiltinException e) {
        return BooleanValue.FALSE;
      }
    });
  }

  // --- go-yaml v2 scalar resolution -----------------------------------------------------------

  private static final String STR = "!!str";
  private static final String INT = "!!int";
  private static final String FLOAT = "!!float";
  private static final String BOOL = "!!bool";
  private static final String NULL = "!!null";
  private static final String TIMESTAMP = "!!timestamp";
  private static final String BINARY = "!!binary";
  private static final String MERGE = "!!merge";
  private static final Object NULL_VALUE = new Object();
  private static final Object MERGE_VALUE = new Object();
  private static final Pattern YAML_STYLE_FLOAT = Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  private static final Pattern BASE60_FLOAT = Pattern.compile("^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?$");
  private static final String[] TIMESTAMP_LAYOUTS = {
      "2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"};
  private static final Map<String, Object[]> RESOLVE_MAP = new LinkedHashMap<>();

  static {
    for (String s : new String[] {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
      RESOLVE_MAP.put(s, new Object[] {BOOL, Boolean.TRUE});
    }
    for (String s : new String[] {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
      RESOLVE_MAP.put(s, new Object[] {BOOL, Boolean.FALSE});
    }
    for (String s : new String[] {"", "~", "null", "Null", "NULL"}) RESOLVE_MAP.put(s, new Object[] {NULL, NULL_VALUE});
    for (String s : new String[] {".nan", ".NaN", ".NAN"}) RESOLVE_MAP.put(s, new Object[] {FLOAT, Double.NaN});
    for (String s : new String[] {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
      RESOLVE_MAP.put(s, new Object[] {FLOAT, Double.POSITIVE_INFINITY});
    }
    for (String s : new String[] {"-.inf", "-.Inf", "-.INF"}) RESOLVE_MAP.put(s, new Object[] {FLOAT, Double.NEGATIVE_INFINITY});
    RESOLVE_MAP.put("<<", new Object[] {MERGE, MERGE_VALUE});
  }

  /** A resolved scalar: its tag and value (Boolean, Long, BigInteger, Double, String or a marker). */
  private record Resolved(String tag, Object value) {}

  private static char hint(String in) {
    if (in.isEmpty()) return 'N';
    char c = in.charAt(0);
    if (c == '+' || c == '-') return 'S';
    if (c >= '0' && c <= '9') return 'D';
    if ("yYnNtTfFoO~".indexOf(c) >= 0) return 'M';
    if (c == '.') return '.';
    return 0;
  }

  private static boolean isResolvable(String tag) {
    return tag.isEmpty() || tag.equals(STR) || tag.equals(BOOL) || tag.equals(INT) || tag.equals(FLOAT)
        || tag.equals(NULL) || tag.equals(TIMESTAMP);
  }

  /** go-yaml v2's resolve (sigs.k8s.io fork): the tag a scalar resolves to, and its value. */
  private static Resolved resolve(String tag, String in) {
    if (!isResolvable(tag)) return new Resolved(tag, in);
    Resolved r = resolveUnchecked(tag, in);
    if (tag.isEmpty() || tag.equals(r.tag()) || tag.equals(STR) || tag.equals(BINARY)) return r;
    if (tag.equals(FLOAT) && r.tag().equals(INT) && r.value() instanceof Long l) return new Resolved(FLOAT, (double) l);
    throw BuiltinException.error("yaml: cannot decode " + r.tag() + " `" + in + "` as a " + tag);
  }

  private static Resolved resolveUnchecked(String tag, String in) {
    char hint = hint(in);
    if (hint == 0 || tag.equals(STR) || tag.equals(BINARY)) return new Resolved(STR, in);
    Object[] item = RESOLVE_MAP.get(in);
    if (item != null) return new Resolved((String) item[0], item[1]);
    switch (hint) {
      case '.' -> {
        Double d = goParseFloat(in);
        if (d != null) return new Resolved(FLOAT, d);
      }
      case 'D', 'S' -> {
        if ((tag.isEmpty() || tag.equals(TIMESTAMP)) && isTimestamp(in)) return new Resolved(TIMESTAMP, in);
        String plain = in.replace("_", "");
        BigInteger parsed = goParseInt(plain);
        if (parsed != null && parsed.bitLength() < 64) return new Resolved(INT, parsed.longValue());
        boolean unsigned = parsed != null && parsed.signum() > 0 && !plain.startsWith("+") && parsed.bitLength() <= 64;
        if (unsigned) return new Resolved(INT, parsed);
        if (YAML_STYLE_FLOAT.matcher(plain).matches()) {
          Double d = goParseFloat(plain);
          if (d != null) return new Resolved(FLOAT, d);
        }
        if (plain.startsWith("0b") || plain.startsWith("-0b")) {
          boolean neg = plain.startsWith("-");
          BigInteger b = digits(plain.substring(neg ? 3 : 2), 2);
          if (b != null) {
            if (neg) b = b.negate();
            if (b.bitLength() < 64) return new Resolved(INT, b.longValue());
            if (!neg && b.bitLength() <= 64) return new Resolved(INT, b);
          }
        }
        // Out of the 64-bit range but a valid (unsigned) integer literal: the fork keeps it exact.
        if (parsed != null && parsed.signum() > 0 && !plain.startsWith("+")) return new Resolved(INT, parsed);
      }
      default -> { }
    }
    return new Resolved(STR, in);
  }

  private static boolean isTimestamp(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
    if (i != 4 || i == s.length() || s.charAt(i) != '-') return false;
    for (String layout : TIMESTAMP_LAYOUTS) {
      try {
        TimeBuiltins.parse(layout, s);
        return true;
      } catch (BuiltinException e) {
        // try the next layout
      }
    }
    return false;
  }

  /** Go's strconv.ParseInt(s, 0, ...) syntax (sign, 0x/0o/0b/0 prefixes); null on syntax errors. */
  private static BigInteger goParseInt(String s) {
    if (s.isEmpty()) return null;
    boolean neg = false;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.isEmpty()) return null;
    int base = 10;
    if (s.charAt(0) == '0') {
      char p = s.length() >= 3 ? Character.toLowerCase(s.charAt(1)) : 0;
      if (p == 'b') { base = 2; s = s.substring(2); }
      else if (p == 'o') { base = 8; s = s.substring(2); }
      else if (p == 'x') { base = 16; s = s.substring(2); }
      else { base = 8; s = s.substring(1); }
      if (s.isEmpty()) return BigInteger.ZERO;
    }
    BigInteger v = digits(s, base);
    if (v == null) return null;
    return neg ? v.negate() : v;
  }

  private static BigInteger digits(String s, int base) {
    if (s.isEmpty()) return null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || Character.digit(c, base) < 0) return null;
    }
    return new BigInteger(s, base);
  }

  /**
   * Go's strconv.ParseFloat for the inputs go-yaml hands it (decimal forms; ".inf" and friends are
   * resolved before); null on syntax errors and on overflow, which Go reports as ErrRange.
   */
  private static Double goParseFloat(String s) {
    if (!YAML_STYLE_FLOAT.matcher(s).matches()) return null;
    double d = Double.parseDouble(s);
    return Double.isInfinite(d) ? null : d;
  }

  // --- Go float formatting --------------------------------------------------------------------

  /** Shortest decimal digits of a finite non-zero double: {digits, decimal point position}. */
  private static Object[] shortestDigits(double abs, boolean float32) {
    BigDecimal bd = new BigDecimal(float32 ? Float.toString((float) abs) : Double.toString(abs)).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    return new Object[] {digits, digits.length() - bd.scale()};
  }

  /** Go's strconv.FormatFloat(f, fmt, -1, bits) for fmt 'g', 'e' and 'f'. */
  static String goFormatFloat(double f, char fmt, boolean float32) {
    if (Double.isNaN(f)) return "NaN";
    if (Double.isInfinite(f)) return f > 0 ? "+Inf" : "-Inf";
    StringBuilder sb = new StringBuilder();
    if (f < 0 || (f == 0 && 1 / f < 0)) sb.append('-');
    double abs = Math.abs(f);
    String digits;
    int dp;
    if (abs == 0) {
      digits = "";
      dp = 0;
    } else {
      Object[] sd = shortestDigits(abs, float32);
      digits = (String) sd[0];
      dp = (Integer) sd[1];
    }
    int nd = digits.length();
    if (fmt == 'g') {
      // Shortest 'g' switches to the exponent form outside [1e-4, 1e6).
      int exp = dp - 1;
      fmt = abs != 0 && (exp < -4 || exp >= 6) ? 'e' : 'f';
    }
    if (fmt == 'e') {
      sb.append(nd == 0 ? '0' : digits.charAt(0));
      if (nd > 1) sb.append('.').append(digits, 1, nd);
      int exp = nd == 0 ? 0 : dp - 1;
      sb.append('e').append(exp < 0 ? '-' : '+');
      int e = Math.abs(exp);
      if (e < 10) sb.append('0');
      sb.append(e);
      return sb.toString();
    }
    // 'f' with the shortest digits
    if (dp > 0) {
      for (int i = 0; i < dp; i++) sb.append(i < nd ? digits.charAt(i) : '0');
    } else {
      sb.append('0');
    }
    int frac = Math.max(nd - dp, 0);
    if (frac > 0) {
      sb.append('.');
      for (int i = 0; i < frac; i++) {
        int j = dp + i;
        sb.append(j >= 0 && j < nd ? digits.charAt(j) : '0');
      }
    }
    return sb.toString();
  }

  /** Go's encoding/json text for a float64 (shortest digits, exponent outside [1e-6, 1e21)). */
  static String goJsonFloat(double f) {
    double abs = Math.abs(f);
    boolean exp = abs != 0 && (abs < 1e-6 || abs >= 1e21);
    String s = goFormatFloat(f, exp ? 'e' : 'f', false);
    if (exp) {
      int n = s.length();
      if (n >= 4 && s.charAt(n - 4) == 'e' && s.charAt(n - 3) == '-' && s.charAt(n - 2) == '0') {
        s = s.substring(0, n - 2) + s.charAt(n - 1);
      }
    }
    return s;
  }

  // --- yaml.unmarshal -------------------------------------------------------------------------

  /** Marks plain untagged scalars so that they can be resolved with go-yaml's rules instead. */
  private static final Tag IMPLICIT = new Tag("tag:postee.dev,2024:implicit");

  private static final class PlainScalarResolver extends Resolver {
    @Override
    public Tag resolve(NodeId kind, String value, boolean implicit) {
      if (kind == NodeId.scalar && implicit) return IMPLICIT;
      return super.resolve(kind, value, implicit);
    }
  }

  private static Yaml parser() {
    LoaderOptions opts = new LoaderOptions();
    opts.setAllowDuplicateKeys(true);
    opts.setMaxAliasesForCollections(10_000);
    opts.setNestingDepthLimit(10_000);
    opts.setCodePointLimit(Integer.MAX_VALUE);
    opts.setAllowRecursiveKeys(true);
    DumperOptions dumper = new DumperOptions();
    return new Yaml(new SafeConstructor(opts), new Representer(dumper), dumper, opts, new PlainScalarResolver());
  }

  static Value unmarshal(String text) {
    Node root;
    try {
      Iterator<Node> docs = parser().composeAll(new StringReader(text)).iterator();
      root = docs.hasNext() ? docs.next() : null;
    } catch (MarkedYAMLException e) {
      throw BuiltinException.error(yamlError(e));
    } catch (YAMLException e) {
      throw BuiltinException.error("yaml: " + e.getMessage());
    }
    if (root == null) return NullValue.INSTANCE;
    return new Decoder().value(root);
  }

  /** libyaml's wording and go-yaml's "line N:" rule for parse errors. */
  private static String yamlError(MarkedYAMLException e) {
    String problem = String.valueOf(e.getProblem());
    String context = String.valueOf(e.getContext());
    if (problem.startsWith("found undefined alias")) {
      return "yaml: unknown anchor '" + problem.substring("found undefined alias".length()).trim() + "' referenced";
    }
    String msg;
    if (problem.startsWith("expected ',' or ']'")) msg = "did not find expected ',' or ']'";
    else if (problem.startsWith("expected ',' or '}'")) msg = "did not find expected ',' or '}'";
    else if (problem.startsWith("expected <block end>") && context.contains("block mapping")) msg = "did not find expected key";
    else if (problem.startsWith("expected <block end>")) msg = "did not find expected '-' indicator";
    else if (problem.startsWith("expected <document start>")) msg = "did not find expected <document start>";
    else if (problem.startsWith("expected the node content")) msg = "did not find expected node content";
    else if (problem.startsWith("mapping values are not allowed")) msg = "mapping values are not allowed in this context";
    else if (problem.contains("that cannot start any token")) msg = "found character that cannot start any token";
    else msg = problem;
    boolean scanner = e instanceof ScannerException;
    Mark pm = e.getProblemMark();
    int line = 0;
    if (pm != null) {
      line = pm.getLine();
      // libyaml puts the stream end on a new line when the last line is not terminated.
      if (problem.contains("<stream end>") && pm.getColumn() != 0) line++;
    }
    if (line != 0) {
      if (scanner) line++;
    } else if (e.getContextMark() != null && e.getContextMark().getLine() != 0) {
      line = e.getContextMark().getLine();
    }
    return line != 0 ? "yaml: line " + line + ": " + msg : "yaml: " + msg;
  }

  private static String shortTag(Tag tag) {
    String t = tag.getValue();
    return t.startsWith(Tag.PREFIX) ? "!!" + t.substring(Tag.PREFIX.length()) : t;
  }

  /**
   * Decodes nodes as go-yaml v2 decodes into interface{}, then applies sigs.k8s.io's JSON rules.
   * Aliases are expanded, with go-yaml's limit on documents made mostly of alias expansions.
   */
  private static final class Decoder {
    private final IdentityHashMap<Node, Boolean> seen = new IdentityHashMap<>();
    private final IdentityHashMap<Node, Boolean> path = new IdentityHashMap<>();
    private long decodeCount;
    private long aliasCount;
    private int aliasDepth;

    Value value(Node node) {
      if (path.containsKey(node)) {
        throw BuiltinException.error("yaml: anchor '" + node.getAnchor() + "' value contains itself");
      }
      // A node met again is an alias expansion (the anchor comes first in document order).
      boolean alias = seen.put(node, Boolean.TRUE) != null;
      if (alias) aliasDepth++;
      decodeCount++;
      if (aliasDepth > 0) aliasCount++;
      if (aliasCount > 100 && decodeCount > 1000 && (double) aliasCount / decodeCount > allowedAliasRatio(decodeCount)) {
        throw BuiltinException.error("yaml: document contains excessive aliasing");
      }
      path.put(node, Boolean.TRUE);
      try {
        return decode(node);
      } finally {
        path.remove(node);
        if (alias) aliasDepth--;
      }
    }

    private static double allowedAliasRatio(long decodeCount) {
      if (decodeCount <= 400_000) return 0.99;
      if (decodeCount >= 4_000_000) return 0.10;
      return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000.0);
    }

    private Value decode(Node node) {
      switch (node) {
        case ScalarNode s -> { return jsonValue(scalar(s)); }
        case SequenceNode seq -> {
          List<Value> out = new ArrayList<>(seq.getValue().size());
          for (Node n : seq.getValue()) out.add(value(n));
          return ArrayValue.of(out);
        }
        case MappingNode m -> {
          Map<String, Value> out = new LinkedHashMap<>();
          mapping(m, out);
          ObjectValue.Builder b = ObjectValue.builder();
          out.forEach(b::put);
          return b.build();
        }
        default -> throw BuiltinException.error("yaml: unsupported node " + node.getNodeId());
      }
    }

    private void mapping(MappingNode m, Map<String, Value> out) {
      for (NodeTuple t : m.getValue()) {
        Node k = t.getKeyNode();
        if (k instanceof ScalarNode ks && isMergeKey(ks)) {
          merge(t.getValueNode(), out);
          continue;
        }
        out.put(jsonKey(k), value(t.getValueNode()));
      }
    }

    private void merge(Node n, Map<String, Value> out) {
      if (n instanceof MappingNode m) {
        mapping(m, out);
      } else if (n instanceof SequenceNode s) {
        // Earlier maps take precedence, so they are applied last.
        List<Node> items = s.getValue();
        for (int i = items.size() - 1; i >= 0; i--) {
          if (!(items.get(i) instanceof MappingNode m)) throw mergeError();
          mapping(m, out);
        }
      } else {
        throw mergeError();
      }
    }
  }

  private static boolean isMergeKey(ScalarNode k) {
    if (!k.getValue().equals("<<")) return false;
    return k.getTag().equals(IMPLICIT) || k.getTag().equals(Tag.MERGE);
  }

  private static BuiltinException mergeError() {
    return BuiltinException.error("yaml: map merge requires map or sequence of maps as the value");
  }

  /** The go-yaml value of a scalar node (tags applied). */
  private static Object scalar(ScalarNode s) {
    String value = s.getValue();
    Tag tag = s.getTag();
    if (tag.equals(IMPLICIT)) return resolve("", value).value();
    String t = shortTag(tag);
    if (t.equals(BINARY)) {
      try {
        return EncodingBuiltins.goString(Base64.getMimeDecoder().decode(value));
      } catch (IllegalArgumentException e) {
        throw BuiltinException.error("yaml: !!binary value contains invalid base64 data");
      }
    }
    Resolved r = resolve(t, value);
    return r.tag().equals(TIMESTAMP) ? value : r.value();
  }

  /** sigs.k8s.io/yaml's JSON conversion of a decoded scalar. */
  private static Value jsonValue(Object v) {
    if (v == NULL_VALUE || v == null) return NullValue.INSTANCE;
    if (v == MERGE_VALUE) return StringValue.of("<<");
    return switch (v) {
      case Boolean b -> BooleanValue.of(b);
      case Long l -> NumberValue.of(l);
      case BigInteger bi -> NumberValue.of(bi);
      case Double d -> {
        if (d.isNaN() || d.isInfinite()) {
          throw BuiltinException.error("json: unsupported value: " + goFormatFloat(d, 'g', false));
        }
        yield NumberValue.parse(goJsonFloat(d));
      }
      case String str -> StringValue.of(str);
      default -> throw new IllegalStateException("unexpected scalar " + v);
    };
  }

  /** sigs.k8s.io/yaml turns map keys into strings; floats use 32-bit formatting. */
  private static String jsonKey(Node k) {
    if (!(k instanceof ScalarNode ks)) {
      throw BuiltinException.error("yaml: invalid map key: " + k.getNodeId());
    }
    Object v = scalar(ks);
    if (v == MERGE_VALUE) return "<<";
    return switch (v) {
      case String str -> str;
      case Long l -> Long.toString(l);
      case Boolean b -> b.toString();
      case Double d -> {
        String f = goFormatFloat(d, 'g', true);
        yield switch (f) {
          case "+Inf" -> ".inf";
          case "-Inf" -> "-.inf";
          case "NaN" -> ".nan";
          default -> f;
        };
      }
      default -> throw BuiltinException.error("unsupported map key of type: "
          + (v == NULL_VALUE ? "%!s(<nil>)" : v instanceof BigInteger && ((BigInteger) v).bitLength() <= 64 ? "uint64" : "*big.Int")
          + ", key: " + (v == NULL_VALUE ? "<nil>" : v.toString()));
    };
  }

  // --- yaml.marshal ---------------------------------------------------------------------------

  static String marshal(Value v) {
    Emitter e = new Emitter();
    e.node(v, -1, Context.ROOT);
    e.writeIndent(-1);
    return e.out.toString();
  }

  private enum Context { ROOT, MAPPING_VALUE, SEQUENCE_ITEM, SIMPLE_KEY, COMPLEX_KEY }

  private enum Style { PLAIN, SINGLE, DOUBLE, LITERAL }

  /** go-yaml v2's keyList ordering for string keys (digit runs compare numerically). */
  private static int compareKeys(String a, String b) {
    int[] ar = a.codePoints().toArray();
    int[] br = b.codePoints().toArray();
    for (int i = 0; i < ar.length && i < br.length; i++) {
      if (ar[i] == br[i]) continue;
      boolean al = Character.isLetter(ar[i]);
      boolean bl = Character.isLetter(br[i]);
      if (al && bl) return Integer.compare(ar[i], br[i]);
      if (al || bl) return bl ? -1 : 1;
      long an = 0;
      long bn = 0;
      if (ar[i] == '0' || br[i] == '0') {
        for (int j = i - 1; j >= 0 && Character.isDigit(ar[j]); j--) {
          if (ar[j] != '0') {
            an = 1;
            bn = 1;
            break;
          }
        }
      }
      int ai = i;
      for (; ai < ar.length && Character.isDigit(ar[ai]); ai++) an = an * 10 + (ar[ai] - '0');
      int bi = i;
      for (; bi < br.length && Character.isDigit(br[bi]); bi++) bn = bn * 10 + (br[bi] - '0');
      if (an != bn) return an < bn ? -1 : 1;
      if (ai != bi) return ai < bi ? -1 : 1;
      return Integer.compare(ar[i], br[i]);
    }
    return Integer.compare(ar.length, br.length);
  }

  /** A merge sort, so that go-yaml's (not always transitive) key order can never make it throw. */
  private static void sortKeys(List<Map.Entry<String, Value>> entries) {
    if (entries.size() < 2) return;
    int mid = entries.size() / 2;
    List<Map.Entry<String, Value>> left = new ArrayList<>(entries.subList(0, mid));
    List<Map.Entry<String, Value>> right = new ArrayList<>(entries.subList(mid, entries.size()));
    sortKeys(left);
    sortKeys(right);
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < left.size() && j < right.size()) {
      entries.set(k++, compareKeys(right.get(j).getKey(), left.get(i).getKey()) < 0 ? right.get(j++) : left.get(i++));
    }
    while (i < left.size()) entries.set(k++, left.get(i++));
    while (j < right.size()) entries.set(k++, right.get(j++));
  }

  /** Scalar analysis flags, as libyaml's yaml_emitter_analyze_scalar computes them. */
  private record Analysis(boolean multiline, boolean flowPlain, boolean blockPlain, boolean singleQuoted, boolean block) {}

  private static boolean isBreak(int c) { return c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029; }

  private static boolean isBlankz(int c) { return c == ' ' || c == '\t' || isBreak(c) || c == 0; }

  /** go-yaml v2's is_printable: note that characters outside the BMP are not printable. */
  private static boolean isPrintable(int c) {
    return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
  }

  private static Analysis analyze(String s) {
    if (s.isEmpty()) return new Analysis(false, false, true, true, false);
    int[] cs = s.codePoints().toArray();
    boolean blockIndicators = false;
    boolean flowIndicators = false;
    boolean lineBreaks = false;
    boolean special = false;
    boolean leadingSpace = false;
    boolean leadingBreak = false;
    boolean trailingSpace = false;
    boolean trailingBreak = false;
    boolean breakSpace = false;
    boolean spaceBreak = false;
    boolean previousSpace = false;
    boolean previousBreak = false;
    if (s.startsWith("---") || s.startsWith("...")) {
      blockIndicators = true;
      flowIndicators = true;
    }
    boolean precededByWhitespace = true;
    boolean followedByWhitespace = cs.length < 2 || isBlankz(cs[1]);
    for (int i = 0; i < cs.length; i++) {
      int c = cs[i];
      if (i == 0) {
        if ("#,[]{}&*!|>'\"%@`".indexOf(c) >= 0) {
          flowIndicators = true;
          blockIndicators = true;
        }
        if (c == '?' || c == ':') {
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
        }
        if (c == '-' && followedByWhitespace) {
          flowIndicators = true;
          blockIndicators = true;
        }
      } else {
        if (",?[]{}".indexOf(c) >= 0) flowIndicators = true;
        if (c == ':') {
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
        }
        if (c == '#' && precededByWhitespace) {
          flowIndicators = true;
          blockIndicators = true;
        }
      }
      if (!isPrintable(c)) special = true;
      if (isBreak(c)) lineBreaks = true;
      if (c == ' ') {
        if (i == 0) leadingSpace = true;
        if (i == cs.length - 1) trailingSpace = true;
        if (previousBreak) breakSpace = true;
        previousSpace = true;
        previousBreak = false;
      } else if (isBreak(c)) {
        if (i == 0) leadingBreak = true;
        if (i == cs.length - 1) trailingBreak = true;
        if (previousSpace) spaceBreak = true;
        previousSpace = false;
        previousBreak = true;
      } else {
        previousSpace = false;
        previousBreak = false;
      }
      precededByWhitespace = isBlankz(c);
      if (i + 1 < cs.length) followedByWhitespace = i + 2 >= cs.length || isBlankz(cs[i + 2]);
    }
    boolean flowPlain = true;
    boolean blockPlain = true;
    boolean single = true;
    boolean block = true;
    if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
      flowPlain = false;
      blockPlain = false;
    }
    if (trailingSpace) block = false;
    if (breakSpace) {
      flowPlain = false;
      blockPlain = false;
      single = false;
    }
    if (spaceBreak || special) {
      flowPlain = false;
      blockPlain = false;
      single = false;
      block = false;
    }
    if (lineBreaks) {
      flowPlain = false;
      blockPlain = false;
    }
    if (flowIndicators) flowPlain = false;
    if (blockIndicators) blockPlain = false;
    return new Analysis(lineBreaks, flowPlain, blockPlain, single, block);
  }

  /** The text and requested style of a scalar, as go-yaml's encoder produces them. */
  private record Scalar(String text, Style requested) {}

  private static Scalar scalarOf(Value v) {
    return switch (v) {
      case NullValue n -> new Scalar("null", Style.PLAIN);
      case BooleanValue b -> new Scalar(Boolean.toString(b.value()), Style.PLAIN);
      case NumberValue n -> {
        // The number goes through JSON text and is resolved by go-yaml like any plain scalar.
        Object r = resolve("", n.toString()).value();
        String text = switch (r) {
          case Long l -> Long.toString(l);
          case BigInteger bi -> bi.toString();
          case Double d -> {
            String f = goFormatFloat(d, 'g', false);
            yield switch (f) {
              case "+Inf" -> ".inf";
              case "-Inf" -> "-.inf";
              case "NaN" -> ".nan";
              default -> f;
            };
          }
          default -> n.toString();
        };
        yield new Scalar(text, Style.PLAIN);
      }
      case StringValue s -> {
        String text = s.value();
        boolean canUsePlain = resolve("", text).tag().equals(STR) && !isBase60Float(text);
        Style style = text.contains("\n") ? Style.LITERAL : canUsePlain ? Style.PLAIN : Style.DOUBLE;
        yield new Scalar(text, style);
      }
      default -> throw new IllegalStateException("not a scalar: " + v.typeName());
    };
  }

  private static boolean isBase60Float(String s) {
    if (s.isEmpty()) return false;
    char c = s.charAt(0);
    if (!(c == '+' || c == '-' || (c >= '0' && c <= '9')) || s.indexOf(':') < 0) return false;
    return BASE60_FLOAT.matcher(s).matches();
  }

  /** A port of the parts of libyaml's emitter that go-yaml's block output uses. */
  private static final class Emitter {
    private static final int BEST_INDENT = 2;
    private static final int BEST_WIDTH = 80;

    final StringBuilder out = new StringBuilder();
    int column;
    boolean whitespace = true;
    boolean indention = true;

    void put(int c) {
      out.appendCodePoint(c);
      column++;
    }

    void putBreak() {
      out.append('\n');
      column = 0;
    }

    void writeIndent(int indent) {
      int target = Math.max(indent, 0);
      if (!indention || column > target || (column == target && !whitespace)) putBreak();
      while (column < target) put(' ');
      whitespace = true;
      indention = true;
    }

    void indicator(String s, boolean needWhitespace, boolean isWhitespace, boolean isIndention) {
      if (needWhitespace && !whitespace) put(' ');
      s.codePoints().forEach(this::put);
      whitespace = isWhitespace;
      indention = indention && isIndention;
    }

    /** Emits a node whose parent collection is at {@code parentIndent} (-1 at the root). */
    void node(Value v, int parentIndent, Context ctx) {
      switch (v) {
        case ArrayValue a -> sequence(a.asList(), parentIndent, ctx);
        case SetValue s -> sequence(s.elements(), parentIndent, ctx);
        case ObjectValue o -> mapping(o, parentIndent);
        default -> scalar(scalarOf(v), parentIndent, ctx);
      }
    }

    private int increaseIndent(int indent, boolean flow, boolean indentless) {
      if (indent < 0) return flow ? BEST_INDENT : 0;
      return indentless ? indent : indent + BEST_INDENT;
    }

    void sequence(List<Value> items, int parentIndent, Context ctx) {
      if (items.isEmpty()) {
        indicator("[", true, true, false);
        indicator("]", false, false, false);
        return;
      }
      // A sequence that is a mapping value is not indented ("key:\n- a").
      int indent = increaseIndent(parentIndent, false, ctx == Context.MAPPING_VALUE && !indention);
      for (Value item : items) {
        writeIndent(indent);
        indicator("-", true, false, true);
        node(item, indent, Context.SEQUENCE_ITEM);
      }
    }

    void mapping(ObjectValue o, int parentIndent) {
      if (o.isEmpty()) {
        indicator("{", true, true, false);
        indicator("}", false, false, false);
        return;
      }
      List<Map.Entry<String, Value>> entries = new ArrayList<>(o.size());
      for (int i = 0; i < o.size(); i++) {
        Value k = o.keyAt(i);
        entries.add(Map.entry(k instanceof StringValue s ? s.value() : k.toJson(), o.valueAt(i)));
      }
      sortKeys(entries);
      int indent = increaseIndent(parentIndent, false, false);
      for (Map.Entry<String, Value> e : entries) {
        writeIndent(indent);
        Scalar key = scalarOf(StringValue.of(e.getKey()));
        Analysis analysis = analyze(key.text());
        boolean simple = !analysis.multiline() && key.text().getBytes(StandardCharsets.UTF_8).length <= 128;
        if (simple) {
          scalar(key, indent, Context.SIMPLE_KEY);
          indicator(":", false, false, false);
          node(e.getValue(), indent, Context.MAPPING_VALUE);
        } else {
          indicator("?", true, false, true);
          scalar(key, indent, Context.COMPLEX_KEY);
          writeIndent(indent);
          indicator(":", true, false, true);
          node(e.getValue(), indent, Context.SEQUENCE_ITEM);
        }
      }
    }

    void scalar(Scalar s, int parentIndent, Context ctx) {
      Analysis a = analyze(s.text());
      boolean simpleKey = ctx == Context.SIMPLE_KEY;
      Style style = s.requested();
      if (style == Style.PLAIN) {
        if (!a.blockPlain() || (s.text().isEmpty() && simpleKey)) style = Style.SINGLE;
      }
      if (style == Style.SINGLE && !a.singleQuoted()) style = Style.DOUBLE;
      if (style == Style.LITERAL && (!a.block() || simpleKey)) style = Style.DOUBLE;
      int indent = increaseIndent(parentIndent, true, false);
      boolean allowBreaks = !simpleKey;
      switch (style) {
        case PLAIN -> plain(s.text(), indent, allowBreaks);
        case SINGLE -> singleQuoted(s.text(), indent, allowBreaks);
        case DOUBLE -> doubleQuoted(s.text(), indent, allowBreaks);
        case LITERAL -> literal(s.text(), indent);
      }
    }

    private void plain(String text, int indent, boolean allowBreaks) {
      if (!whitespace) put(' ');
      int[] cs = text.codePoints().toArray();
      boolean spaces = false;
      for (int i = 0; i < cs.length; i++) {
        int c = cs[i];
        if (c == ' ') {
          if (allowBreaks && !spaces && column > BEST_WIDTH && !(i + 1 < cs.length && cs[i + 1] == ' ')) {
            writeIndent(indent);
          } else {
            put(c);
          }
          spaces = true;
        } else {
          put(c);
          indention = false;
          spaces = false;
        }
      }
      whitespace = false;
      indention = false;
    }

    private void singleQuoted(String text, int indent, boolean allowBreaks) {
      indicator("'", true, false, false);
      int[] cs = text.codePoints().toArray();
      boolean spaces = false;
      for (int i = 0; i < cs.length; i++) {
        int c = cs[i];
        if (c == ' ') {
          if (allowBreaks && !spaces && column > BEST_WIDTH && i != 0 && i != cs.length - 1
              && !(i + 1 < cs.length && cs[i + 1] == ' ')) {
            writeIndent(indent);
          } else {
            put(c);
          }
          spaces = true;
        } else {
          if (c == '\'') put('\'');
          put(c);
          indention = false;
          spaces = false;
        }
      }
      indicator("'", false, false, false);
    }

    private void doubleQuoted(String text, int indent, boolean allowBreaks) {
      indicator("\"", true, false, false);
      int[] cs = text.codePoints().toArray();
      boolean spaces = false;
      for (int i = 0; i < cs.length; i++) {
        int c = cs[i];
        if (!isPrintable(c) || c == 0xFEFF || isBreak(c) || c == '"' || c == '\\') {
          put('\\');
          switch (c) {
            case 0x00 -> put('0');
            case 0x07 -> put('a');
            case 0x08 -> put('b');
            case 0x09 -> put('t');
            case 0x0A -> put('n');
            case 0x0B -> put('v');
            case 0x0C -> put('f');
            case 0x0D -> put('r');
            case 0x1B -> put('e');
            case 0x22 -> put('"');
            case 0x5C -> put('\\');
            case 0x85 -> put('N');
            case 0x2028 -> put('L');
            case 0x2029 -> put('P');
            default -> {
              int width;
              if (c <= 0xFF) {
                put('x');
                width = 2;
              } else if (c <= 0xFFFF) {
                put('u');
                width = 4;
              } else {
                put('U');
                width = 8;
              }
              for (int k = (width - 1) * 4; k >= 0; k -= 4) {
                int digit = (c >> k) & 0xF;
                put(digit < 10 ? '0' + digit : 'A' + digit - 10);
              }
            }
          }
          spaces = false;
        } else if (c == ' ') {
          if (allowBreaks && !spaces && column > BEST_WIDTH && i != 0 && i != cs.length - 1) {
            writeIndent(indent);
            if (i + 1 < cs.length && cs[i + 1] == ' ') put('\\');
          } else {
            put(c);
          }
          spaces = true;
        } else {
          put(c);
          spaces = false;
        }
      }
      indicator("\"", false, false, false);
    }

    private void literal(String text, int indent) {
      indicator("|", true, false, false);
      // Block scalar hints: an indentation indicator for leading spaces/breaks, then chomping.
      int[] cs = text.codePoints().toArray();
      if (cs.length > 0 && (cs[0] == ' ' || isBreak(cs[0]))) indicator(Integer.toString(BEST_INDENT), false, false, false);
      String chomp;
      if (cs.length == 0 || !isBreak(cs[cs.length - 1])) chomp = "-";
      else if (cs.length == 1 || isBreak(cs[cs.length - 2])) chomp = "+";
      else chomp = null;
      if (chomp != null) indicator(chomp, false, false, false);
      putBreak();
      indention = true;
      whitespace = true;
      boolean breaks = true;
      for (int c : cs) {
        if (isBreak(c)) {
          putBreak();
          indention = true;
          breaks = true;
        } else {
          if (breaks) writeIndent(indent);
          put(c);
          indention = false;
          breaks = false;
        }
      }
    }
  }
}
