package dev.postee.rego.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.eval.RegoException;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rules whose refs hold variables build one document together with the rules at fixed paths
 * below them: multi-value leaves at the same path are unioned, and no rule may write inside the
 * value another rule produced.
 */
class RefHeadMergeTest {

  private static Value doc(String rules, String path) {
    PreparedPolicy p = Rego.builder().module("m.rego", "package m\n\n" + rules).compile();
    return p.valueAt(List.of("m", path), null);
  }

  @Test
  void multiValueLeavesFromDynamicAndFixedRefsAreUnioned() {
    Value v = doc("""
        teams[name] contains member if {
          some name, members in {"ops": ["ann"], "dev": ["bob", "cy"]}
          some member in members
        }
        teams.ops contains "dan"
        """, "teams");
    assertThat(Json.write(v)).isEqualTo("{\"dev\":[\"bob\",\"cy\"],\"ops\":[\"ann\",\"dan\"]}");
  }

  @Test
  void nestedMultiValueLeavesAreUnionedToo() {
    Value v = doc("""
        groups[g].tags contains t if {
          some g in ["a", "b"]
          t := concat("-", [g, "x"])
        }
        groups.b.tags contains "extra"
        """, "groups");
    assertThat(Json.write(v)).isEqualTo("{\"a\":{\"tags\":[\"a-x\"]},\"b\":{\"tags\":[\"b-x\",\"extra\"]}}");
  }

  @Test
  void aFixedRuleMayNotAddKeysInsideAnotherRulesValue() {
    assertThatThrownBy(() -> doc("""
        cfg[k].opts := {"depth": {"max": 1}} if k := "svc"
        cfg.svc.opts.depth.min := 0
        """, "cfg"))
        .isInstanceOfSatisfying(RegoException.class,
            e -> assertThat(e.code()).isEqualTo(RegoException.CONFLICT));
  }

  @Test
  void equalValuesAtTheSamePathAreNoConflict() {
    Value v = doc("""
        cfg[k].level := i if some i, k in ["x", "y"]
        cfg.x.level := 0
        cfg.z.level := 9
        """, "cfg");
    assertThat(Json.write(v)).isEqualTo("{\"x\":{\"level\":0},\"y\":{\"level\":1},\"z\":{\"level\":9}}");
  }

  @Test
  void aFixedRuleMayReadASiblingThatADynamicRuleProduces() {
    // Not recursive: p.total reads p.items, which only the rule with a variable can produce.
    Value v = doc("""
        inv[kind] contains n if {
          some n in [1, 2, 3]
          kind := "items"
        }
        inv.total := sum(inv.items)
        inv.label := sprintf("%d items", [count(inv.items)])
        """, "inv");
    assertThat(Json.write(v)).isEqualTo("{\"items\":[1,2,3],\"label\":\"3 items\",\"total\":6}");
  }

  @Test
  void readingTheKeyARuleProducesItselfStaysRecursive() {
    assertThatThrownBy(() -> doc("loop[k] := v if { k := \"a\"; v := loop.a }", "loop"))
        .hasMessageContaining("recursive");
  }
}
