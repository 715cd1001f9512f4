package dev.postee.bench;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.builtins.BuiltinRegistry;
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
 * Target (3): parsing and compiling 20 template-sized modules (40-80 lines, in the shapes of
 * Postee's templates: HTML and Slack renderings of scans, Jira text, Trivy-operator reports) into
 * one policy. Target: at most 50 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CompileTemplatesBenchmark {
  static final int MODULES = 20;

  private List<String[]> modules;
  private BuiltinRegistry builtins;

  @Setup
  public void setup() {
    modules = TemplateSources.modules(MODULES);
    builtins = BuiltinRegistry.standard();
    compile();
  }

  @Benchmark
  public PreparedPolicy compile() {
    Rego.Builder b = Rego.builder().builtins(builtins);
    for (String[] m : modules) b.module(m[0], m[1]);
    return b.compile();
  }

  /** Lines per module, for docs/benchmarks.md. */
  public static void main(String[] args) {
    List<Integer> lines = new ArrayList<>();
    for (String[] m : TemplateSources.modules(MODULES)) lines.add((int) m[1].lines().count());
    System.out.println(lines);
  }
}
