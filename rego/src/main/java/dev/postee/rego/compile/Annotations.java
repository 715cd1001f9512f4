package dev.postee.rego.compile;

import dev.postee.rego.ast.Location;
import dev.postee.rego.ast.Module;
import dev.postee.rego.ast.ParseException;
import dev.postee.rego.ast.Parser;
import dev.postee.rego.ast.Rule;
import dev.postee.rego.ast.Term;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * OPA's METADATA annotations (the YAML in {@code # METADATA} comment blocks) as the values that
 * {@code rego.metadata.rule()} and {@code rego.metadata.chain()} return. Built from all modules at
 * once, because package and document annotations apply across modules; the compiler builds it only
 * when a policy calls one of the two builtins, so stray comments never break other policies.
 */
final class Annotations {
  private static final String RULE = "rule";
  private static final String DOCUMENT = "document";
  private static final String PACKAGE = "package";
  private static final String SUBPACKAGES = "subpackages";

  /** A parsed block: its object form, scope, where it is written, and the path it applies to. */
  private record Entry(ObjectValue object, String scope, Location loc, List<Value> path) {}

  /** Annotations by path: document scope at rule paths, subpackages scope at package paths. */
  private static final class PathNode {
    Entry value;
    final Map<Value, PathNode> children = new HashMap<>();
  }

  private final IdentityHashMap<Rule, List<Entry>> byRule = new IdentityHashMap<>();
  private final Map<List<Value>, Entry> byPackage = new HashMap<>();
  private final PathNode byPath = new PathNode();

  private Annotations() {}

  /** Parses every module's METADATA blocks; problems are added to errors. */
  static Annotations build(List<Module> modules, List<CompileError> errors) {
    Annotations set = new Annotations();
    for (Module m : modules) {
      for (Module.Annotation a : m.annotations()) {
        try {
          set.add(m, a);
        } catch (AnnotationException e) {
          errors.add(new CompileError(e.code, a.loc(), e.getMessage()));
        }
      }
    }
    return set;
  }

  /** The annotations declared directly above the rule (the closest block), or {} when none. */
  ObjectValue rule(Rule r) {
    List<Entry> own = ownSorted(r);
    return own.isEmpty() ? ObjectValue.EMPTY : own.get(0).object;
  }

  /**
   * OPA's chain for a rule: its own blocks (closest first, or just its path when it has none), then
   * the document, package and subpackages annotations that apply to it, innermost first.
   */
  ArrayValue chain(Module m, Rule r) {
    List<Value> out = new ArrayList<>();
    List<Entry> own = ownSorted(r);
    List<Value> rulePath = rulePath(m, r);
    if (own.isEmpty()) {
      out.add(ObjectValue.ofStrings("path", ArrayValue.of(rulePath)));
    } else {
      for (Entry e : own) out.add(link(e));
    }
    PathNode doc = node(rulePath);
    if (doc != null && doc.value != null) out.add(link(doc.value));
    Entry pkg = byPackage.get(packagePath(m));
    if (pkg != null) out.add(link(pkg));
    List<Entry> ancestors = new ArrayList<>();
    PathNode n = byPath;
    for (Value seg : packagePath(m)) {
      n = n.children.get(seg);
      if (n == null) break;
      if (n.value != null) ancestors.add(n.value);
    }
    for (int i = ancestors.size() - 1; i >= 0; i--) out.add(link(ancestors.get(i)));
    return ArrayValue.of(out);
  }

  private List<Entry> ownSorted(Rule r) {
    List<Entry> own = new ArrayList<>(byRule.getOrDefault(r, List.of()));
    own.sort(Comparator.comparingInt((Entry e) -> e.loc.line()).thenComparingInt(e -> e.loc.column()).reversed());
    return own;
  }

  private static Value link(Entry e) {
    return ObjectValue.ofStrings("annotations", e.object, "path", ArrayValue.of(e.path));
  }

  private PathNode node(List<Value> path) {
    PathNode n = byPath;
    for (Value seg : path) {
      n = n.children.get(seg);
      if (n == null) return null;
    }
    return n;
  }

  private static List<Value> packagePath(Module m) {
    List<Value> p = new ArrayList<>();
    for (String s : m.packagePath()) p.add(StringValue.of(s));
    return p;
  }

  /** The package path plus the ground prefix of the rule's head reference (OPA's target path). */
  private static List<Value> rulePath(Module m, Rule r) {
    List<Value> p = packagePath(m);
    p.add(StringValue.of(r.name()));
    for (int i = 1; i < r.ref().size() && r.ref().get(i) instanceof Term.Scalar s; i++) p.add(s.value());
    return p;
  }

  // ------------------------------------------------------------------ adding blocks

  private static final class AnnotationException extends RuntimeException {
    final String code;

    AnnotationException(String code, String msg) {
      super(msg, null, false, false);
      this.code = code;
    }
  }

  private static AnnotationException parseError(String msg) {
    return new AnnotationException(CompileError.PARSE, msg);
  }

  private void add(Module m, Module.Annotation a) {
    Parsed p = parse(a.yaml());
    String scope = p.scope;
    if (scope.isEmpty()) {
      scope = switch (a.target()) {
        case RULE -> p.entrypoint ? DOCUMENT : RULE;
        case PACKAGE -> PACKAGE;
        case IMPORT -> "import";
        case NONE -> "";
      };
    }
    switch (scope) {
      case RULE, DOCUMENT -> { if (a.target() != Module.Target.RULE) throw attachment(scope, "rule", a.target()); }
      case PACKAGE, SUBPACKAGES -> { if (a.target() != Module.Target.PACKAGE) throw attachment(scope, "package", a.target()); }
      default -> throw parseError("invalid annotation scope '" + scope + "'. Use one of 'rule', 'document', 'package', or 'subpackages'");
    }
    if (p.entrypoint && !(scope.equals(DOCUMENT) || scope.equals(PACKAGE))) {
      throw parseError("annotation entrypoint applied to non-document or package scope '" + scope + "'");
    }
    Rule rule = a.target() == Module.Target.RULE ? m.rules().get(a.ruleIndex()) : null;
    List<Value> path = rule != null ? rulePath(m, rule) : packagePath(m);
    Entry e = new Entry(p.toObject(scope), scope, a.loc(), path);
    switch (scope) {
      case RULE -> byRule.computeIfAbsent(rule, k -> new ArrayList<>()).add(e);
      case PACKAGE -> {
        Entry prev = byPackage.putIfAbsent(path, e);
        if (prev != null) throw redeclared(e, prev);
      }
      default -> {
        PathNode n = byPath;
        for (Value seg : path) n = n.children.computeIfAbsent(seg, k -> new PathNode());
        if (n.value != null) throw redeclared(e, n.value);
        n.value = e;
      }
    }
  }

  private static AnnotationException attachment(String scope, String want, Module.Target have) {
    String found = have == Module.Target.NONE ? "" : " (have " + have.name().toLowerCase(java.util.Locale.ROOT) + ")";
    return parseError("annotation scope '" + scope + "' must be applied to " + want + found);
  }

  private static AnnotationException redeclared(Entry e, Entry prev) {
    return new AnnotationException(CompileError.TYPE, e.scope + " annotation redeclared: " + prev.loc);
  }

  // ------------------------------------------------------------------ YAML

  /** The fields of one block, as OPA's rawAnnotation reads them. */
  private static final class Parsed {
    String scope = "";
    String title = "";
    String description = "";
    boolean entrypoint;
    final List<String> organizations = new ArrayList<>();
    final List<Value> relatedResources = new ArrayList<>();
    final List<Value> authors = new ArrayList<>();
    final List<Value> schemas = new ArrayList<>();
    ObjectValue custom;

    ObjectValue toObject(String scope) {
      ObjectValue.Builder b = ObjectValue.builder();
      if (!scope.isEmpty()) b.put(StringValue.of("scope"), StringValue.of(scope));
      if (!title.isEmpty()) b.put(StringValue.of("title"), StringValue.of(title));
      if (entrypoint) b.put(StringValue.of("entrypoint"), BooleanValue.TRUE);
      if (!description.isEmpty()) b.put(StringValue.of("description"), StringValue.of(description));
      if (!organizations.isEmpty()) {
        b.put(StringValue.of("organizations"), ArrayValue.of(organizations.stream().map(s -> (Value) StringValue.of(s)).toList()));
      }
      if (!relatedResources.isEmpty()) b.put(StringValue.of("related_resources"), ArrayValue.of(relatedResources));
      if (!authors.isEmpty()) b.put(StringValue.of("authors"), ArrayValue.of(authors));
      if (!schemas.isEmpty()) b.put(StringValue.of("schemas"), ArrayValue.of(schemas));
      if (custom != null && custom.size() > 0) b.put(StringValue.of("custom"), custom);
      return b.build();
    }
  }

  private static Parsed parse(String yaml) {
    if (yaml.isBlank()) throw parseError("expected METADATA block, found whitespace");
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
    } catch (YAMLException e) {
      throw parseError("yaml: " + e.getMessage().lines().findFirst().orElse("invalid YAML"));
    }
    Parsed p = new Parsed();
    if (root == null || isNull(root)) return p;
    if (!(root instanceof MappingNode map)) throw parseError("yaml: cannot unmarshal " + describe(root) + " into the METADATA fields");
    for (NodeTuple t : map.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) continue;
      Node v = t.getValueNode();
      switch (k.getValue()) {
        case "scope" -> p.scope = text(v, "scope");
        case "title" -> p.title = text(v, "title");
        case "description" -> p.description = text(v, "description");
        case "entrypoint" -> p.entrypoint = bool(v);
        case "organizations" -> { for (Node n : sequence(v, "organizations")) p.organizations.add(text(n, "organizations")); }
        case "related_resources" -> { for (Node n : sequence(v, "related_resources")) p.relatedResources.add(relatedResource(n)); }
        case "authors" -> { for (Node n : sequence(v, "authors")) p.authors.add(author(n)); }
        case "schemas" -> { for (Node n : sequence(v, "schemas")) p.schemas.add(schema(n)); }
        case "custom" -> {
          if (isNull(v)) break;
          if (!(v instanceof MappingNode)) throw parseError("yaml: cannot unmarshal " + describe(v) + " into custom");
          p.custom = (ObjectValue) toValue(v, "custom");
        }
        default -> { }
      }
    }
    return p;
  }

  private static String text(Node n, String field) {
    if (n instanceof ScalarNode s) return isNull(s) ? "" : s.getValue();
    throw parseError("yaml: cannot unmarshal " + describe(n) + " into " + field + " (a string)");
  }

  private static boolean bool(Node n) {
    if (isNull(n)) return false;
    if (n instanceof ScalarNode s && resolve(s) instanceof BooleanValue b) return b.value();
    throw parseError("yaml: cannot unmarshal " + describe(n) + " into entrypoint (a boolean)");
  }

  private static List<Node> sequence(Node n, String field) {
    if (isNull(n)) return List.of();
    if (n instanceof SequenceNode s) return s.getValue();
    throw parseError("yaml: cannot unmarshal " + describe(n) + " into " + field + " (a list)");
  }

  private static Value author(Node n) {
    if (n instanceof ScalarNode s && !isNull(s) && resolve(s) instanceof StringValue sv) {
      String[] parts = sv.value().strip().split("\\s+");
      if (sv.value().isBlank()) throw parseError("invalid author definition " + sv.value() + ": author is an empty string");
      int nameParts = parts.length;
      String email = "";
      String last = parts[parts.length - 1];
      if (last.length() >= 2 && last.startsWith("<") && last.endsWith(">")) {
        email = last.substring(1, last.length() - 1);
        nameParts--;
      }
      return person(String.join(" ", java.util.Arrays.asList(parts).subList(0, nameParts)), email);
    }
    if (n instanceof MappingNode) {
      ObjectValue o = (ObjectValue) toValue(n, "authors");
      String name = stringField(o, "name").strip();
      String email = stringField(o, "email").strip();
      if (name.isEmpty() && email.isEmpty()) {
        throw parseError("invalid author definition: 'name' and/or 'email' values required in object");
      }
      return person(name, email);
    }
    throw parseError("invalid author definition: invalid value type, must be string or map");
  }

  private static Value person(String name, String email) {
    ObjectValue.Builder b = ObjectValue.builder();
    if (!name.isEmpty()) b.put(StringValue.of("name"), StringValue.of(name));
    if (!email.isEmpty()) b.put(StringValue.of("email"), StringValue.of(email));
    return b.build();
  }

  private static Value relatedResource(Node n) {
    if (n instanceof ScalarNode s && !isNull(s) && resolve(s) instanceof StringValue sv) {
      if (sv.value().isEmpty()) throw parseError("invalid related-resource definition: ref URL may not be empty string");
      return ObjectValue.ofStrings("ref", StringValue.of(sv.value()));
    }
    if (n instanceof MappingNode) {
      ObjectValue o = (ObjectValue) toValue(n, "related_resources");
      String ref = stringField(o, "ref").strip();
      String description = stringField(o, "description").strip();
      if (ref.isEmpty()) throw parseError("invalid related-resource definition: 'ref' value required in object");
      ObjectValue.Builder b = ObjectValue.builder();
      b.put(StringValue.of("ref"), StringValue.of(ref));
      if (!description.isEmpty()) b.put(StringValue.of("description"), StringValue.of(description));
      return b.build();
    }
    throw parseError("invalid related-resource definition: invalid value type, must be string or map");
  }

  private static String stringField(ObjectValue o, String key) {
    return o.get(key) instanceof StringValue s ? s.value() : "";
  }

  /** {@code - input.x: schema.y} or {@code - input.x: {definition}}: a path and a schema ref or definition. */
  private static Value schema(Node n) {
    if (!(n instanceof MappingNode m) || m.getValue().isEmpty()) throw parseError("yaml: cannot unmarshal " + describe(n) + " into schemas");
    NodeTuple t = m.getValue().get(0);
    String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
    ObjectValue.Builder b = ObjectValue.builder();
    ArrayValue path = refArray(key);
    if (path == null) throw parseError("invalid document reference");
    b.put(StringValue.of("path"), path);
    Node v = t.getValueNode();
    if (v instanceof ScalarNode s && !isNull(s)) {
      ArrayValue ref = refArray(s.getValue());
      if (ref == null || !ref.get(0).equals(StringValue.of("schema"))) throw parseError("invalid schema reference");
      b.put(StringValue.of("schema"), ref);
    } else if (v instanceof MappingNode) {
      b.put(StringValue.of("definition"), toValue(v, "schemas"));
    } else {
      throw parseError("invalid schema declaration for path \"" + key + "\"");
    }
    return b.build();
  }

  /** A reference written as text, as OPA's Ref.toArray shows it: every element as a string. */
  private static ArrayValue refArray(String text) {
    Term t;
    try {
      t = Parser.parseTerm(text);
    } catch (ParseException e) {
      return null;
    }
    List<Value> out = new ArrayList<>();
    if (t instanceof Term.Var v) {
      out.add(StringValue.of(v.name()));
    } else if (t instanceof Term.Ref r && r.head() instanceof Term.Var v) {
      out.add(StringValue.of(v.name()));
      for (Term seg : r.path()) {
        out.add(seg instanceof Term.Scalar s && s.value() instanceof StringValue str ? str : StringValue.of(seg.toString()));
      }
    } else {
      return null;
    }
    return ArrayValue.of(out);
  }

  // ------------------------------------------------------------------ YAML values

  private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

  /** A YAML node as a Rego value; mapping keys must be strings, as in OPA. */
  private static Value toValue(Node n, String path) {
    switch (n) {
      case ScalarNode s -> { return resolve(s); }
      case SequenceNode s -> {
        List<Value> items = new ArrayList<>();
        for (Node item : s.getValue()) items.add(toValue(item, path));
        return ArrayValue.of(items);
      }
      case MappingNode m -> {
        Map<Value, Value> entries = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
          Value k = t.getKeyNode() instanceof ScalarNode ks ? resolve(ks) : null;
          if (!(k instanceof StringValue)) throw parseError("invalid map key type(s): " + path);
          entries.put(k, toValue(t.getValueNode(), path + "/" + ((StringValue) k).value()));
        }
        return ObjectValue.of(entries);
      }
      default -> throw parseError("yaml: unsupported node in " + path);
    }
  }

  /**
   * YAML 1.2 core-schema resolution of a scalar, as Go's yaml.v3 does for untyped values: quoted
   * scalars are strings; plain ones may be null, booleans or numbers (timestamps stay strings).
   */
  private static Value resolve(ScalarNode s) {
    String v = s.getValue();
    if (s.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) return StringValue.of(v);
    switch (v) {
      case "", "~", "null", "Null", "NULL" -> { return NullValue.INSTANCE; }
      case "true", "True", "TRUE" -> { return BooleanValue.TRUE; }
      case "false", "False", "FALSE" -> { return BooleanValue.FALSE; }
      default -> { }
    }
    try {
      if (INT.matcher(v).matches()) return NumberValue.of(new BigInteger(v.startsWith("+") ? v.substring(1) : v));
      if (v.startsWith("0x")) return NumberValue.of(new BigInteger(v.substring(2), 16));
      if (v.startsWith("0o")) return NumberValue.of(new BigInteger(v.substring(2), 8));
      if (FLOAT.matcher(v).matches()) {
        double d = Double.parseDouble(v);
        if (!Double.isInfinite(d)) return NumberValue.ofComputed(new BigDecimal(Double.toString(d)));
      }
    } catch (NumberFormatException e) {
      return StringValue.of(v);
    }
    return StringValue.of(v);
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
        && (s.getValue().isEmpty() || s.getValue().equals("~") || s.getValue().equalsIgnoreCase("null"));
  }

  private static String describe(Node n) {
    return switch (n) {
      case MappingNode m -> "!!map";
      case SequenceNode s -> "!!seq";
      case ScalarNode s -> "!!str `" + s.getValue() + "`";
      default -> "a YAML node";
    };
  }
}
