package dev.postee.core.template;

import dev.postee.core.config.ConfigProblem;
import dev.postee.core.config.TemplateConfig;
import dev.postee.rego.Evaluation;
import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.ast.Module;
import dev.postee.rego.ast.ParseException;
import dev.postee.rego.ast.Parser;
import dev.postee.rego.compile.CompileError;
import dev.postee.rego.compile.CompileException;
import dev.postee.rego.compile.RuleNode;
import dev.postee.rego.eval.EvalOptions;
import dev.postee.rego.eval.RegoException;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/**
 * The templates of one configuration, compiled once (SPEC §7): built-in packages, user packages
 * from the templates directory, inline bodies and modules fetched from URLs, all in one policy so
 * that templates share the helpers of package {@code postee}. Immutable and thread-safe.
 */
public final class TemplateSet {
  /** Fields a template may produce besides title/result/url (ServiceNow, aggregation). */
  public static final List<String> EXTRA_FIELDS = List.of(
      "aggregation_pkg", "result_date", "result_severity", "result_category", "result_subcategory",
      "result_assigned_to", "result_assigned_group", "result_summary");

  static final List<String> BUILTIN_RESOURCES = List.of("postee-common.rego", "rawmessage-json.rego", "rawmessage-html.rego");

  /** Legacy Go renderers map onto the Rego packages that replace them. */
  static final Map<String, String> LEGACY_PACKAGES = Map.of(
      "html", "postee.vuls.html", "slack", "postee.vuls.slack", "jira", "postee.vuls.jira");

  /** The implicit template of routes without one: the event's raw JSON (Go Postee's behaviour). */
  public static final String RAW_JSON = "<raw-json>";

  private final PreparedPolicy policy;
  private final Map<String, List<String>> packageOf;
  private final EvalOptions evalOptions;

  private TemplateSet(PreparedPolicy policy, Map<String, List<String>> packageOf, EvalOptions evalOptions) {
    this.policy = policy;
    this.packageOf = packageOf;
    this.evalOptions = evalOptions;
  }

  /** Options for loading templates. */
  public record Options(Path userTemplatesDir, HttpClient httpClient, Duration fetchTimeout, EvalOptions evalOptions) {
    public static Options defaults(Path userTemplatesDir) {
      return new Options(userTemplatesDir, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
          Duration.ofSeconds(30), EvalOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)));
    }
  }

  /** The outcome of compiling: the set (when no template used by a route failed) and problems. */
  public record Result(TemplateSet templates, List<ConfigProblem> problems) {}

  /**
   * Compiles every template. Problems with a template that a route uses are errors; with an unused
   * one, warnings (the template just stays unusable).
   */
  public static Result compile(List<TemplateConfig> configs, Set<String> usedByRoutes, Options options) {
    List<ConfigProblem> problems = new ArrayList<>();
    Map<String, String> sources = new LinkedHashMap<>();
    Set<String> userPackages = new HashSet<>();
    // user packages from the templates directory (Go Postee's rego-templates folder)
    Path dir = options.userTemplatesDir();
    if (dir != null && Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.filter(f -> f.toString().endsWith(".rego") && Files.isRegularFile(f)).sorted().toList()) {
          if (p.getFileName().toString().endsWith("_test.rego")) continue;
          String src = Files.readString(p, StandardCharsets.UTF_8);
          Module m = parseOrReport(p.toString(), src, problems, null);
          if (m != null) {
            sources.put(p.toString(), src);
            userPackages.add(m.packageName());
          }
        }
      } catch (IOException e) {
        problems.add(ConfigProblem.error(null, "cannot read templates directory " + dir + ": " + e.getMessage()));
      }
    }
    // built-ins, unless the user supplied the same package
    for (String res : BUILTIN_RESOURCES) {
      String src = resource(res);
      Module m = Parser.parseModule("builtin:" + res, src);
      if (!userPackages.contains(m.packageName())) sources.put("builtin:" + res, src);
    }
    Map<String, List<String>> packageOf = new LinkedHashMap<>();
    packageOf.put(RAW_JSON, List.of("postee", "rawmessage", "json"));
    Map<String, TemplateConfig> byName = new LinkedHashMap<>();
    for (TemplateConfig t : configs) {
      byName.put(t.name(), t);
      boolean used = usedByRoutes.contains(t.name());
      String pkg = null;
      if (t.regoPackage() != null) {
        pkg = t.regoPackage();
      } else if (t.legacyScanRenderer() != null) {
        pkg = LEGACY_PACKAGES.get(t.legacyScanRenderer().toLowerCase(java.util.Locale.ROOT));
      } else if (t.body() != null || t.url() != null) {
        String src = t.body();
        String file = "template " + t.name();
        if (src == null) {
          try {
            src = fetch(t.url(), options);
            file = t.url();
          } catch (IOException | RuntimeException e) {
            problems.add(problem(used, t, "cannot fetch the Rego module from " + t.url() + ": " + e.getMessage()));
            continue;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add(problem(used, t, "interrupted while fetching " + t.url()));
            continue;
          }
        }
        Module m = parseOrReport(file, src, problems, t);
        if (m == null) continue;
        sources.put("template:" + t.name(), src);
        pkg = m.packageName();
      }
      if (pkg != null) packageOf.put(t.name(), List.of(pkg.split("\\.")));
    }
    PreparedPolicy policy;
    try {
      Rego.Builder b = Rego.builder();
      sources.forEach(b::module);
      policy = b.compile();
    } catch (CompileException e) {
      for (CompileError ce : e.errors()) {
        problems.add(ConfigProblem.error(null, "template Rego does not compile: " + ce));
      }
      return new Result(null, problems);
    }
    for (Map.Entry<String, List<String>> e : new ArrayList<>(packageOf.entrySet())) {
      TemplateConfig t = byName.get(e.getKey());
      if (t == null) continue;
      if (!packageExists(policy, e.getValue())) {
        String where = dir == null ? "the built-in packages" : "the built-in packages and " + dir;
        problems.add(problem(usedByRoutes.contains(t.name()), t,
            "package " + String.join(".", e.getValue()) + " does not exist (looked in " + where + ")"));
        packageOf.remove(e.getKey());
      }
    }
    boolean fatal = problems.stream().anyMatch(ConfigProblem::isError);
    return new Result(fatal ? null : new TemplateSet(policy, Map.copyOf(packageOf), options.evalOptions()), problems);
  }

  private static ConfigProblem problem(boolean used, TemplateConfig t, String msg) {
    String text = "template '" + t.name() + "': " + msg;
    return used ? ConfigProblem.error(t.location(), text)
        : ConfigProblem.warning(t.location(), text + " (no route uses this template)");
  }

  private static Module parseOrReport(String file, String src, List<ConfigProblem> problems, TemplateConfig t) {
    try {
      return Parser.parseModule(file, src);
    } catch (ParseException e) {
      problems.add(ConfigProblem.error(t == null ? null : t.location(),
          (t == null ? "" : "template '" + t.name() + "': ") + e.getMessage()));
      return null;
    }
  }

  private static boolean packageExists(PreparedPolicy policy, List<String> path) {
    RuleNode n = policy.policy().root();
    for (String s : path) {
      n = n.child(StringValue.of(s));
      if (n == null) return false;
    }
    return true;
  }

  private static String fetch(String url, Options options) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(options.fetchTimeout()).GET().build();
    HttpResponse<String> resp = options.httpClient().send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (resp.statusCode() / 100 != 2) throw new IOException("HTTP status " + resp.statusCode());
    return resp.body();
  }

  static String resource(String name) {
    try (InputStream in = TemplateSet.class.getResourceAsStream("builtin/" + name)) {
      if (in == null) throw new IllegalStateException("missing built-in template " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean has(String templateName) { return packageOf.containsKey(templateName); }

  /** The Rego package a template renders with. */
  public String packageName(String templateName) {
    List<String> p = packageOf.get(templateName);
    return p == null ? null : String.join(".", p);
  }

  /**
   * Renders one event. The event is the template's input, plus {@code input.postee.AquaServer}
   * when the event is a JSON object (as Go Postee does).
   */
  public RenderedMessage render(String templateName, Value event, String eventId, String aquaServer) {
    List<String> pkg = packageOf.get(templateName);
    if (pkg == null) throw new IllegalArgumentException("unknown template " + templateName);
    Value input = event;
    if (event instanceof ObjectValue o) {
      String server = aquaServer == null || aquaServer.isBlank() ? "" : aquaServer + "/#/images/";
      input = o.with(StringValue.of("postee"), ObjectValue.ofStrings("AquaServer", StringValue.of(server)));
    }
    return evaluate(templateName, pkg, input, eventId);
  }

  /**
   * Renders an aggregated batch: with the template's {@code aggregation_pkg}, that package gets the
   * array of messages ({@code title}, {@code description}, {@code url}) as input; without one, the
   * results are joined, one message after another.
   */
  public RenderedMessage renderBatch(String templateName, List<RenderedMessage> messages, String batchId) {
    if (messages.isEmpty()) throw new IllegalArgumentException("empty batch");
    Value aggPkg = messages.get(0).extra().get("aggregation_pkg");
    if (aggPkg instanceof StringValue s && !s.value().isBlank()) {
      List<String> pkg = List.of(s.value().split("\\."));
      if (!packageExists(policy, pkg)) {
        throw new TemplateException(templateName, s.value(), "aggregation_pkg", batchId, "names a package that does not exist");
      }
      Value[] items = new Value[messages.size()];
      for (int i = 0; i < items.length; i++) {
        RenderedMessage m = messages.get(i);
        items[i] = ObjectValue.ofStrings("title", StringValue.of(m.title()), "description", StringValue.of(m.result()),
            "url", StringValue.of(m.url() == null ? "" : m.url()));
      }
      return evaluate(templateName, pkg, ArrayValue.wrap(items), batchId);
    }
    StringBuilder result = new StringBuilder();
    for (RenderedMessage m : messages) {
      if (result.length() > 0) result.append('\n');
      result.append(m.result());
    }
    RenderedMessage first = messages.get(0);
    return new RenderedMessage(first.title(), result.toString(), first.url(), first.extra());
  }

  private RenderedMessage evaluate(String templateName, List<String> pkg, Value input, String eventId) {
    String pkgName = String.join(".", pkg);
    Evaluation ev = policy.evaluation(input, evalOptions);
    try {
      Value result = ev.valueAt(append(pkg, "result"));
      if (result == null) throw new TemplateException(templateName, pkgName, "result", eventId, "is undefined");
      Value title = ev.valueAt(append(pkg, "title"));
      Value url = ev.valueAt(append(pkg, "url"));
      Map<String, Value> extra = new LinkedHashMap<>();
      for (String f : EXTRA_FIELDS) {
        Value v = ev.valueAt(append(pkg, f));
        if (v != null) extra.put(f, v);
      }
      return new RenderedMessage(text(title), text(result), url == null ? null : text(url), extra);
    } catch (RegoException e) {
      throw new TemplateException(templateName, pkgName, "result", eventId, "failed: " + e.getMessage());
    }
  }

  /** Strings as they are; any other value as compact JSON (Go's json.Marshal, as Postee). */
  private static String text(Value v) {
    if (v == null) return null;
    if (v instanceof StringValue s) return s.value();
    return Json.writeGo(v);
  }

  private static List<String> append(List<String> base, String name) {
    String[] out = Arrays.copyOf(base.toArray(new String[0]), base.size() + 1);
    out[base.size()] = name;
    return Arrays.asList(out);
  }
}
