package dev.postee.rego.conformance;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.PreparedQuery;
import dev.postee.rego.Rego;
import dev.postee.rego.ast.Parser;
import dev.postee.rego.compile.CompileException;
import dev.postee.rego.eval.EvalOptions;
import dev.postee.rego.eval.RegoException;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import dev.postee.rego.value.Values;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Runs OPA's YAML conformance cases (the format of OPA's test/cases/testdata) against this engine:
 * compiles each case's modules, evaluates its query and compares results or errors as OPA's
 * harness does. Works on any directory of such files.
 */
public final class ConformanceRunner {

  public enum Status { PASS, FAIL, SKIP }

  /** The result of one case; file is the path as found, index its position in "cases". */
  public record Outcome(String file, int index, String note, Status status, String expected, String got, String reason) {
    public String id() { return file + "#" + index; }
  }

  /** All outcomes plus counts. */
  public record Summary(List<Outcome> outcomes) {
    public long passed() { return outcomes.stream().filter(o -> o.status == Status.PASS).count(); }
    public long failed() { return outcomes.stream().filter(o -> o.status == Status.FAIL).count(); }
    public long skipped() { return outcomes.stream().filter(o -> o.status == Status.SKIP).count(); }
    public String line() { return passed() + " passed, " + failed() + " failed, " + skipped() + " skipped"; }
  }

  /** A skip entry: a path suffix (file) and optional case index, with the reason. */
  public record Skip(String pathSuffix, Integer index, String reason) {
    boolean matches(String file, int idx) {
      String f = file.replace('\\', '/');
      if (pathSuffix.endsWith("/")) return f.startsWith(pathSuffix) || f.contains("/" + pathSuffix);
      return (f.equals(pathSuffix) || f.endsWith("/" + pathSuffix)) && (index == null || index == idx);
    }
  }

  /** OPA's test harness registers test.sleep(duration) for the time-caching case; so do we. */
  private static final dev.postee.rego.builtins.BuiltinRegistry HARNESS_BUILTINS =
      dev.postee.rego.builtins.BuiltinRegistry.standard().withCustom(
          dev.postee.rego.builtins.BuiltinCatalogue.Decl.of("test.sleep", "(string) => null"),
          (ctx, args) -> {
            String d = ((StringValue) args[0]).value();
            long ms = d.endsWith("ms") ? Long.parseLong(d.substring(0, d.length() - 2))
                : d.endsWith("s") ? Long.parseLong(d.substring(0, d.length() - 1)) * 1000 : Long.parseLong(d);
            try {
              Thread.sleep(ms);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return dev.postee.rego.value.NullValue.INSTANCE;
          });

  private final List<Skip> skips;
  private final Duration timeout;

  public ConformanceRunner(List<Skip> skips) {
    this(skips, Duration.ofSeconds(20));
  }

  public ConformanceRunner(List<Skip> skips, Duration timeout) {
    this.skips = List.copyOf(skips);
    this.timeout = timeout;
  }

  /**
   * Reads a skip file: one entry per line, {@code path[#index] [reason]}; blank lines and lines
   * starting with '#' are ignored.
   */
  public static List<Skip> readSkips(Path file) throws IOException {
    return parseSkips(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  public static List<Skip> parseSkips(List<String> lines) {
    List<Skip> out = new ArrayList<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] parts = line.split("\\s+", 2);
      String target = parts[0];
      String reason = parts.length > 1 ? parts[1] : "";
      Integer idx = null;
      int hash = target.lastIndexOf('#');
      if (hash > 0) {
        idx = Integer.parseInt(target.substring(hash + 1));
        target = target.substring(0, hash);
      }
      out.add(new Skip(target, idx, reason));
    }
    return out;
  }

  /** Runs every .yaml/.yml file under the given directories (or files), sorted by path. */
  public Summary run(List<Path> roots) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path root : roots) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> s = Files.walk(root)) {
          s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")))
              .forEach(files::add);
        }
      } else {
        files.add(root);
      }
    }
    files.sort(null);
    List<Outcome> outcomes = new ArrayList<>();
    for (Path f : files) outcomes.addAll(runFile(f));
    return new Summary(outcomes);
  }

  @SuppressWarnings("unchecked")
  public List<Outcome> runFile(Path file) throws IOException {
    Object doc;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      doc = yaml().load(r);
    }
    List<Outcome> out = new ArrayList<>();
    if (!(doc instanceof Map<?, ?> m) || !(m.get("cases") instanceof List<?> cases)) {
      out.add(new Outcome(file.toString(), 0, "", Status.FAIL, "a 'cases' list", "no cases in file", "unreadable file"));
      return out;
    }
    for (int i = 0; i < cases.size(); i++) {
      out.add(runCase(file.toString(), i, (Map<String, Object>) cases.get(i)));
    }
    return out;
  }

  /** Runs one case. */
  @SuppressWarnings("unchecked")
  public Outcome runCase(String file, int index, Map<String, Object> c) {
    String note = String.valueOf(c.getOrDefault("note", ""));
    for (Skip s : skips) {
      if (s.matches(file, index)) return new Outcome(file, index, note, Status.SKIP, "", "", s.reason());
    }
    boolean strict = Boolean.TRUE.equals(c.get("strict_error"));
    boolean sortBindings = Boolean.TRUE.equals(c.get("sort_bindings"));
    boolean experimental = Boolean.TRUE.equals(c.get("experimental_keywords"));
    String wantCode = (String) c.get("want_error_code");
    String wantError = (String) c.get("want_error");
    boolean expectError = wantCode != null || c.containsKey("want_error");
    Object wantResult = c.get("want_result");
    // want_defined (upstream loader field): only whether the query has a solution is checked.
    Boolean wantDefined = wantResult == null && c.get("want_defined") instanceof Boolean wd ? wd : null;
    String expected = expectError
        ? "error " + (wantCode == null ? "" : wantCode) + (wantError == null || wantError.isEmpty() ? "" : " \"" + wantError + "\"")
        : wantDefined != null ? (wantDefined ? "defined" : "undefined") : describeRows(wantResult);
    try {
      Rego.Builder b = Rego.builder().syntax(Parser.Syntax.V1).experimentalKeywords(experimental).builtins(HARNESS_BUILTINS);
      List<Object> modules = (List<Object>) c.getOrDefault("modules", List.of());
      for (int i = 0; modules != null && i < modules.size(); i++) b.module("test-" + i + ".rego", String.valueOf(modules.get(i)));
      PreparedPolicy policy = b.compile();
      PreparedQuery query = policy.prepare(String.valueOf(c.get("query")));
      Value input = null;
      if (c.get("input_term") != null) {
        input = Rego.builder().compile().prepare(String.valueOf(c.get("input_term"))).evalValue(null);
      } else if (c.containsKey("input")) {
        input = Values.fromJava(c.get("input"));
      }
      Value data = c.get("data") == null ? ObjectValue.EMPTY : Values.fromJava(c.get("data"));
      EvalOptions opts = EvalOptions.DEFAULT.withStrict(strict).withTimeout(timeout).withPrinter(line -> { });
      List<PreparedQuery.Result> results = query.eval(input, data, opts);
      if (expectError) {
        return new Outcome(file, index, note, Status.FAIL, expected, "no error; results " + describeActual(results, false), "");
      }
      if (wantDefined != null) {
        if (wantDefined == !results.isEmpty()) return new Outcome(file, index, note, Status.PASS, expected, "", "");
        return new Outcome(file, index, note, Status.FAIL, expected, results.isEmpty() ? "undefined" : describeActual(results, false), "");
      }
      Set<Value> want = new HashSet<>();
      for (Object row : (List<Object>) wantResult) want.add(normalize(Values.fromJava(row), sortBindings));
      Set<Value> got = new HashSet<>();
      for (PreparedQuery.Result r : results) {
        Map<String, Value> bindings = new LinkedHashMap<>(r.bindings());
        if (Boolean.TRUE.equals(c.get("ignore_generated_vars"))) bindings.keySet().removeIf(k -> k.startsWith("__localq"));
        got.add(normalize(ObjectValue.of(toKeyed(bindings)), sortBindings));
      }
      if (want.equals(got)) return new Outcome(file, index, note, Status.PASS, expected, "", "");
      return new Outcome(file, index, note, Status.FAIL, expected, describeSet(got), "");
    } catch (RegoException e) {
      if (!expectError) return new Outcome(file, index, note, Status.FAIL, expected, e.getMessage(), "");
      if (wantCode != null && !wantCode.equals(e.code())) {
        return new Outcome(file, index, note, Status.FAIL, expected, e.getMessage(), "wrong error code");
      }
      String reason = wantError != null && !wantError.isEmpty() && !e.getMessage().contains(wantError)
          ? "message differs (soft): " + e.getMessage() : "";
      return new Outcome(file, index, note, Status.PASS, expected, e.getMessage(), reason);
    } catch (CompileException e) {
      return new Outcome(file, index, note, Status.FAIL, expected, "compile error: " + e.getMessage(), "");
    } catch (RuntimeException | StackOverflowError e) {
      return new Outcome(file, index, note, Status.FAIL, expected, "internal error: " + e, "");
    }
  }

  private static Map<Value, Value> toKeyed(Map<String, Value> m) {
    Map<Value, Value> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(StringValue.of(k), v));
    return out;
  }

  /** JSON view of a binding row: sets become sorted arrays, non-string keys their JSON text. */
  static Value normalize(Value v, boolean sortBindings) {
    Value n = toJsonShape(v);
    if (sortBindings && n instanceof ObjectValue o) {
      ObjectValue.Builder b = ObjectValue.builder();
      for (int i = 0; i < o.size(); i++) {
        Value bv = o.valueAt(i);
        if (bv instanceof ArrayValue a) {
          Value[] items = a.toArray();
          Arrays.sort(items, Values::compare);
          bv = ArrayValue.wrap(items);
        }
        b.put(o.keyAt(i), bv);
      }
      return b.build();
    }
    return n;
  }

  private static Value toJsonShape(Value v) {
    switch (v) {
      case SetValue s -> {
        Value[] items = new Value[s.size()];
        for (int i = 0; i < items.length; i++) items[i] = toJsonShape(s.get(i));
        return ArrayValue.wrap(items);
      }
      case ArrayValue a -> {
        Value[] items = new Value[a.size()];
        for (int i = 0; i < items.length; i++) items[i] = toJsonShape(a.get(i));
        return ArrayValue.wrap(items);
      }
      case ObjectValue o -> {
        ObjectValue.Builder b = ObjectValue.builder();
        for (int i = 0; i < o.size(); i++) {
          Value k = o.keyAt(i);
          b.put(k instanceof StringValue ? k : StringValue.of(Json.write(k)), toJsonShape(o.valueAt(i)));
        }
        return b.build();
      }
      default -> { return v; }
    }
  }

  private static String describeRows(Object rows) {
    if (rows == null) return "(no want_result)";
    return Json.write(Values.fromJava(rows));
  }

  private static String describeActual(List<PreparedQuery.Result> results, boolean sort) {
    List<Value> rows = new ArrayList<>();
    for (PreparedQuery.Result r : results) rows.add(normalize(ObjectValue.of(toKeyed(r.bindings())), sort));
    return Json.write(ArrayValue.of(rows));
  }

  private static String describeSet(Set<Value> rows) {
    List<Value> l = new ArrayList<>(rows);
    l.sort(Values::compare);
    return Json.write(ArrayValue.of(l));
  }

  /** A YAML loader that keeps numbers exact (BigInteger / BigDecimal). */
  static Yaml yaml() {
    LoaderOptions lo = new LoaderOptions();
    lo.setCodePointLimit(64 * 1024 * 1024);
    lo.setAllowDuplicateKeys(true);
    return new Yaml(new ExactNumbers(lo));
  }

  private static final class ExactNumbers extends SafeConstructor {
    ExactNumbers(LoaderOptions lo) {
      super(lo);
      AbstractConstruct intC = (AbstractConstruct) yamlConstructors.get(Tag.INT);
      AbstractConstruct floatC = (AbstractConstruct) yamlConstructors.get(Tag.FLOAT);
      yamlConstructors.put(Tag.INT, new AbstractConstruct() {
        @Override
        public Object construct(Node node) {
          String text = ((ScalarNode) node).getValue().replace("_", "");
          try {
            return new BigInteger(text);
          } catch (NumberFormatException e) {
            return intC.construct(node);
          }
        }
      });
      yamlConstructors.put(Tag.FLOAT, new AbstractConstruct() {
        @Override
        public Object construct(Node node) {
          String text = ((ScalarNode) node).getValue().replace("_", "");
          try {
            return new BigDecimal(text);
          } catch (NumberFormatException e) {
            return floatC.construct(node);
          }
        }
      });
    }
  }
}
