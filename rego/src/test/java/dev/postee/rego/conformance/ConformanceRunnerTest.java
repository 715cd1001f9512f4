package dev.postee.rego.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Case fields of OPA's loader that the shared corpus does not use, but other cases may. */
class ConformanceRunnerTest {

  private static ConformanceRunner.Status run(String rule, Map<String, Object> extra) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("note", "runner/probe");
    c.put("modules", List.of("package probe\n\n" + rule + "\n"));
    c.put("query", "data.probe.p = x");
    c.putAll(extra);
    return new ConformanceRunner(List.of()).runCase("probe.yaml", 0, c).status();
  }

  @Test
  void wantDefinedOnlyChecksWhetherThereIsASolution() {
    assertThat(run("p := 7", Map.of("want_defined", true))).isEqualTo(ConformanceRunner.Status.PASS);
    assertThat(run("p := 7 if false", Map.of("want_defined", false))).isEqualTo(ConformanceRunner.Status.PASS);
    assertThat(run("p := 7", Map.of("want_defined", false))).isEqualTo(ConformanceRunner.Status.FAIL);
    assertThat(run("p := 7 if false", Map.of("want_defined", true))).isEqualTo(ConformanceRunner.Status.FAIL);
  }

  @Test
  void anEnvMapDoesNotStopACase() {
    assertThat(run("p := 7", Map.of("env", Map.of("SOME_FLAG", "true"), "want_result", List.of(Map.of("x", 7)))))
        .isEqualTo(ConformanceRunner.Status.PASS);
  }
}
