package dev.postee.bench;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Target (2): an HTML report with one table row per vulnerability (comprehension + sprintf +
 * concat) for a Trivy-style scan with 2,000 vulnerabilities. Target: at most 10 ms per render.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class HtmlReportBenchmark {
  static final int VULNERABILITIES = 2_000;

  static final String TEMPLATE = """
      package postee.bench.report

      with_default(obj, prop, default_value) = default_value {
          not obj[prop]
      }

      with_default(obj, prop, default_value) = obj[prop]

      row_tpl := `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td><a href="%s">%s</a></td></tr>`

      rows := [row |
          result := input.Results[_]
          v := result.Vulnerabilities[_]
          row := sprintf(row_tpl, [result.Target, v.PkgName, v.InstalledVersion,
                                   with_default(v, "FixedVersion", "none"), v.Severity,
                                   with_default(v, "PrimaryURL", "#"), v.VulnerabilityID])
      ]

      title := sprintf("Trivy scan report for %s", [input.ArtifactName])

      result := concat("\\n", [
          sprintf("<h1>%s</h1>", [title]),
          "<table>",
          "<tr><th>Target</th><th>Package</th><th>Installed</th><th>Fixed</th><th>Severity</th><th>ID</th></tr>",
          concat("\\n", rows),
          "</table>",
      ])
      """;

  private static final List<String> RESULT = List.of("postee", "bench", "report", "result");
  private static final String[] SEVERITIES = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"};

  private PreparedPolicy policy;
  private Value scan;

  @Setup
  public void setup() {
    policy = Rego.builder().module("report.rego", TEMPLATE).compile();
    scan = trivyScan(VULNERABILITIES);
    Value html = policy.valueAt(RESULT, scan);
    if (!(html instanceof StringValue s) || !s.value().contains("CVE-2023-1999")) {
      throw new IllegalStateException("the report should list every vulnerability");
    }
  }

  @Benchmark
  public Value renderReport() {
    return policy.valueAt(RESULT, scan);
  }

  /** A Trivy JSON report: a few targets sharing n vulnerabilities, some without a fixed version. */
  static Value trivyScan(int n) {
    String[] targets = {"alpine:3.18 (alpine 3.18.4)", "usr/lib/node_modules/npm/package-lock.json", "app/pom.xml", "app/go.sum"};
    List<List<Value>> byTarget = new ArrayList<>();
    for (int t = 0; t < targets.length; t++) byTarget.add(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      ObjectValue.Builder v = ObjectValue.builder();
      v.put(StringValue.of("VulnerabilityID"), StringValue.of("CVE-2023-" + (1000 + i)));
      v.put(StringValue.of("PkgName"), StringValue.of("pkg-" + (i % 97)));
      v.put(StringValue.of("InstalledVersion"), StringValue.of("1." + (i % 13) + "." + (i % 7)));
      if (i % 3 != 0) v.put(StringValue.of("FixedVersion"), StringValue.of("1." + (i % 13) + "." + (i % 7 + 1)));
      v.put(StringValue.of("Severity"), StringValue.of(SEVERITIES[i % SEVERITIES.length]));
      v.put(StringValue.of("PrimaryURL"), StringValue.of("https://avd.aquasec.com/nvd/cve-2023-" + (1000 + i)));
      v.put(StringValue.of("Title"), StringValue.of("A vulnerability in pkg-" + (i % 97) + " that allows something unpleasant"));
      v.put(StringValue.of("CVSS"), ObjectValue.ofStrings("nvd", ObjectValue.ofStrings("V3Score", NumberValue.of(i % 10))));
      byTarget.get(i % targets.length).add(v.build());
    }
    List<Value> results = new ArrayList<>();
    for (int t = 0; t < targets.length; t++) {
      results.add(ObjectValue.ofStrings("Target", StringValue.of(targets[t]), "Class", StringValue.of("os-pkgs"),
          "Vulnerabilities", ArrayValue.of(byTarget.get(t))));
    }
    return ObjectValue.ofStrings("SchemaVersion", NumberValue.of(2), "ArtifactName", StringValue.of("registry.example.com/shop/api:2.4.1"),
        "ArtifactType", StringValue.of("container_image"), "Results", ArrayValue.of(results));
  }
}
