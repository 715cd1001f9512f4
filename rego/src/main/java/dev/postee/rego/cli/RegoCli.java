package dev.postee.rego.cli;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.PreparedQuery;
import dev.postee.rego.Rego;
import dev.postee.rego.compile.CompileError;
import dev.postee.rego.compile.CompileException;
import dev.postee.rego.compile.IR;
import dev.postee.rego.compile.RuleNode;
import dev.postee.rego.conformance.ConformanceRunner;
import dev.postee.rego.eval.EvalOptions;
import dev.postee.rego.eval.RegoException;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code postee rego eval|test|bench|conformance}: the engine from the command line. Returns the
 * process exit code (0 success, 1 failure or error, 2 usage error).
 */
public final class RegoCli {
  private final PrintStream out;
  private final PrintStream err;

  public RegoCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new RegoCli(System.out, System.err).run(args));
  }

  public int run(String[] args) {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      usage();
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (args[0]) {
        case "eval" -> eval(rest);
        case "test" -> test(rest);
        case "bench" -> bench(rest);
        case "conformance" -> conformance(rest);
        default -> {
          err.println("postee rego: unknown command '" + args[0] + "'");
          usage();
          yield 2;
        }
      };
    } catch (UsageException e) {
      err.println("postee rego " + args[0] + ": " + e.getMessage());
      return 2;
    } catch (CompileException e) {
      for (CompileError ce : e.errors()) err.println(ce);
      return 1;
    } catch (RegoException e) {
      err.println(e.getMessage());
      return 1;
    } catch (Json.ParseException e) {
      err.println("postee rego " + args[0] + ": invalid JSON: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("postee rego " + args[0] + ": " + e);
      return 1;
    }
  }

  private void usage() {
    err.println("""
        usage:
          postee rego eval [-d FILE_OR_DIR]... [-i INPUT.json] [--data DATA.json] [--strict] QUERY
          postee rego test [PATH]...
          postee rego bench [-d FILE_OR_DIR]... [-i INPUT.json] [--data DATA.json] [--count N] QUERY
          postee rego conformance DIR... [--skip FILE]""");
  }

  static final class UsageException extends RuntimeException {
    UsageException(String m) { super(m); }
  }

  /** Options shared by eval and bench. */
  private static final class Common {
    final List<Path> sources = new ArrayList<>();
    Path input;
    Path data;
    String query;
    int count = 1000;
    boolean strict;

    static Common parse(String[] args, boolean bench) {
      Common c = new Common();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "-d", "--data-dir", "--bundle" -> c.sources.add(Path.of(value(args, ++i, a)));
          case "-i", "--input" -> c.input = Path.of(value(args, ++i, a));
          case "--data" -> c.data = Path.of(value(args, ++i, a));
          case "--strict" -> c.strict = true;
          case "--count" -> {
            if (!bench) throw new UsageException("--count is only for bench");
            try {
              c.count = Integer.parseInt(value(args, ++i, a));
            } catch (NumberFormatException e) {
              throw new UsageException("--count needs a positive integer");
            }
            if (c.count < 1) throw new UsageException("--count needs a positive integer");
          }
          default -> {
            if (a.startsWith("-") && a.length() > 1) throw new UsageException("unknown option " + a);
            if (c.query != null) throw new UsageException("only one query may be given (quote it)");
            c.query = a;
          }
        }
      }
      if (c.query == null) throw new UsageException("missing QUERY");
      return c;
    }

    PreparedPolicy compile() throws IOException {
      Rego.Builder b = Rego.builder();
      for (Path p : sources) {
        if (!Files.exists(p)) throw new UsageException("no such file or directory: " + p);
        b.load(p);
      }
      return b.compile();
    }

    Value data() throws IOException {
      ObjectValue merged = ObjectValue.EMPTY;
      for (Path p : sources) {
        for (Path json : jsonFiles(p)) merged = merge(merged, readJson(json));
      }
      if (data != null) merged = merge(merged, readJson(data));
      return merged;
    }

    Value input() throws IOException {
      return input == null ? null : readJson(input);
    }
  }

  private static String value(String[] args, int i, String opt) {
    if (i >= args.length) throw new UsageException(opt + " needs a value");
    return args[i];
  }

  private static List<Path> jsonFiles(Path p) throws IOException {
    if (Files.isRegularFile(p)) return p.toString().endsWith(".json") ? List.of(p) : List.of();
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(x -> x.toString().endsWith(".json") && Files.isRegularFile(x)).sorted().toList();
    }
  }

  private static ObjectValue merge(ObjectValue a, Value b) {
    if (!(b instanceof ObjectValue bo)) throw new UsageException("data files must contain a JSON object");
    ObjectValue.Builder out = a.toBuilder();
    for (int i = 0; i < bo.size(); i++) {
      Value prev = out.get(bo.keyAt(i));
      Value next = bo.valueAt(i);
      out.put(bo.keyAt(i), prev instanceof ObjectValue po && next instanceof ObjectValue ? merge(po, next) : next);
    }
    return out.build();
  }

  private static Value readJson(Path p) throws IOException {
    if (!Files.exists(p)) throw new UsageException("no such file: " + p);
    try {
      return Json.parse(Files.readAllBytes(p));
    } catch (Json.ParseException e) {
      throw new Json.ParseException(p + ": " + e.getMessage(), e.line(), e.column(), e.offset());
    }
  }

  // ------------------------------------------------------------------ eval

  private int eval(String[] args) throws IOException {
    Common c = Common.parse(args, false);
    PreparedPolicy policy = c.compile();
    PreparedQuery q = policy.prepare(c.query);
    EvalOptions opts = EvalOptions.DEFAULT.withStrict(c.strict).withPrinter(err::println);
    List<PreparedQuery.Result> results = q.eval(c.input(), c.data(), opts);
    List<Value> rows = new ArrayList<>();
    for (PreparedQuery.Result r : results) {
      ObjectValue.Builder row = ObjectValue.builder();
      row.put("expressions", ArrayValue.of(r.expressions()));
      if (!r.bindings().isEmpty()) {
        ObjectValue.Builder bindings = ObjectValue.builder();
        r.bindings().forEach((k, v) -> bindings.put(k, v));
        row.put("bindings", bindings.build());
      }
      rows.add(row.build());
    }
    out.println(Json.writeIndented(ArrayValue.of(rows), "", "  ", false));
    return 0;
  }

  // ------------------------------------------------------------------ test

  private int test(String[] args) throws IOException {
    List<Path> paths = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("-")) throw new UsageException("unknown option " + a);
      paths.add(Path.of(a));
    }
    if (paths.isEmpty()) paths.add(Path.of("."));
    Rego.Builder b = Rego.builder();
    Value data = ObjectValue.EMPTY;
    for (Path p : paths) {
      if (!Files.exists(p)) throw new UsageException("no such file or directory: " + p);
      b.load(p);
      for (Path json : jsonFiles(p)) data = merge((ObjectValue) data, readJson(json));
    }
    PreparedPolicy policy = b.compile();
    List<RuleNode> tests = new ArrayList<>();
    collectTests(policy.policy().root(), tests);
    int passed = 0;
    int failed = 0;
    int skipped = 0;
    for (RuleNode t : tests) {
      String name = lastName(t);
      if (name.startsWith("todo_")) {
        skipped++;
        out.println(t.pathString() + ": SKIPPED");
        continue;
      }
      long start = System.nanoTime();
      String outcome;
      try {
        Value v = new dev.postee.rego.eval.Evaluator(policy.policy(), null, data, EvalOptions.DEFAULT).valueAt(t.path);
        if (v == BooleanValue.TRUE) {
          passed++;
          outcome = "PASS";
        } else {
          failed++;
          outcome = v == null ? "FAIL (undefined)" : "FAIL (" + v.toRego() + ")";
        }
      } catch (RegoException e) {
        failed++;
        outcome = "ERROR: " + e.getMessage();
      }
      double ms = (System.nanoTime() - start) / 1e6;
      if (!outcome.equals("PASS")) out.println(t.pathString() + ": " + outcome + String.format(Locale.ROOT, " (%.3f ms)", ms));
    }
    out.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
    return failed == 0 ? 0 : 1;
  }

  private static String lastName(RuleNode n) {
    Value last = n.path[n.path.length - 1];
    return last instanceof StringValue s ? s.value() : "";
  }

  private static void collectTests(RuleNode n, List<RuleNode> out) {
    if (n.path.length > 0 && (lastName(n).startsWith("test_") || lastName(n).startsWith("todo_test_"))
        && n.hasRules() && !n.isFunction()) {
      boolean complete = n.rules.stream().allMatch(r -> r.kind == IR.RuleKind.COMPLETE);
      if (complete) out.add(n);
    }
    for (RuleNode c : n.children.values()) collectTests(c, out);
  }

  // ------------------------------------------------------------------ bench

  private int bench(String[] args) throws IOException {
    Common c = Common.parse(args, true);
    PreparedPolicy policy = c.compile();
    PreparedQuery q = policy.prepare(c.query);
    Value input = c.input();
    Value data = c.data();
    EvalOptions opts = EvalOptions.DEFAULT.withStrict(c.strict);
    int warmup = Math.max(200, c.count);
    long warmupEnd = System.nanoTime() + 2_000_000_000L;
    for (int i = 0; i < warmup || System.nanoTime() < warmupEnd; i++) {
      q.eval(input, data, opts);
      if (i > 1_000_000) break;
    }
    long[] times = new long[c.count];
    int results = 0;
    for (int i = 0; i < c.count; i++) {
      long t0 = System.nanoTime();
      results = q.eval(input, data, opts).size();
      times[i] = System.nanoTime() - t0;
    }
    Arrays.sort(times);
    out.printf(Locale.ROOT, "query:   %s%n", c.query);
    out.printf(Locale.ROOT, "runs:    %d (after %d warm-up evaluations), %d result(s)%n", c.count, warmup, results);
    out.printf(Locale.ROOT, "min:     %s%n", human(times[0]));
    out.printf(Locale.ROOT, "median:  %s%n", human(times[times.length / 2]));
    out.printf(Locale.ROOT, "p90:     %s%n", human(times[(int) Math.min(times.length - 1, Math.ceil(times.length * 0.9) - 1)]));
    return 0;
  }

  private static String human(long nanos) {
    if (nanos < 10_000) return nanos + " ns";
    if (nanos < 10_000_000) return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  // ------------------------------------------------------------------ conformance

  private int conformance(String[] args) throws IOException {
    List<Path> dirs = new ArrayList<>();
    List<ConformanceRunner.Skip> skips = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--skip")) {
        skips.addAll(ConformanceRunner.readSkips(Path.of(value(args, ++i, "--skip"))));
      } else if (args[i].startsWith("--skip=")) {
        skips.addAll(ConformanceRunner.readSkips(Path.of(args[i].substring(7))));
      } else if (args[i].startsWith("-")) {
        throw new UsageException("unknown option " + args[i]);
      } else {
        dirs.add(Path.of(args[i]));
      }
    }
    if (dirs.isEmpty()) throw new UsageException("give at least one directory of YAML case files");
    for (Path d : dirs) if (!Files.exists(d)) throw new UsageException("no such file or directory: " + d);
    ConformanceRunner.Summary s = new ConformanceRunner(skips).run(dirs);
    for (ConformanceRunner.Outcome o : s.outcomes()) {
      if (o.status() != ConformanceRunner.Status.FAIL) continue;
      out.println("FAIL " + o.file() + " #" + o.index() + " " + o.note());
      out.println("  expected: " + o.expected());
      out.println("  got:      " + o.got());
    }
    out.println(s.line());
    return s.failed() == 0 ? 0 : 1;
  }
}
