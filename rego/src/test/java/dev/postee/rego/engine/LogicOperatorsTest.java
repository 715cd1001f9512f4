package dev.postee.rego.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.compile.CompileException;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OPA's experimental and/or keywords: operands are bodies tested for a solution, short-circuited. */
class LogicOperatorsTest {

  private static final String IMPORTS = """
      package t

      import future.keywords.and
      import future.keywords.or
      import future.keywords.not

      """;

  private static PreparedPolicy compile(String rules) {
    return Rego.builder().experimentalKeywords(true).module("t.rego", IMPORTS + rules).compile();
  }

  private static Value value(PreparedPolicy p, String rule, String input) {
    return p.valueAt(List.of("t", rule), input == null ? null : Json.parse(input));
  }

  @Test
  void braceAndParenthesisedTermsStayValuesAndSetBuiltinsStayCallable() {
    PreparedPolicy p = compile("""
        inter := and({1, 2}, {2, 3})
        union := or({1}, {2})
        ok if {
          {"a": 1} == {"a": 1}
          {1, 2} == {2, 1} and true
          ((1 + 2) * 3) == 9 or false
          x := 5
          x > 1 and x < 10
          not (x < 0 or x > 100)
        }
        """);
    assertThat(Json.write(value(p, "inter", null))).isEqualTo("[2]");
    assertThat(Json.write(value(p, "union", null))).isEqualTo("[1,2]");
    assertThat(value(p, "ok", null)).isEqualTo(Json.parse("true"));
  }

  @Test
  void operandsSeeOuterVariablesButBindNothingOutside() {
    PreparedPolicy p = compile("""
        hits := [x |
          some x in input.xs
          { y := x * 2; y > 4 } or x == 0
        ]
        """);
    assertThat(value(p, "hits", "{\"xs\": [0, 1, 2, 3]}")).isEqualTo(Json.parse("[0, 3]"));
    assertThatThrownBy(() -> compile("bad if {\n  { z := 1 } and true\n  z == 1\n}\n"))
        .isInstanceOf(CompileException.class)
        .hasMessageContaining("rego_unsafe_var_error");
  }

  @Test
  void withOnAnOperandMustBeScopedExplicitly() {
    assertThatThrownBy(() -> compile("p if {\n  input.x with input as 1 and true\n}\n"))
        .isInstanceOf(CompileException.class)
        .hasMessageContaining("t.rego:8:")
        .hasMessageContaining("`with` modifier is not allowed on operand of `and`");
    PreparedPolicy p = compile("p if {\n  (input.x == 1 with input.x as 1) and input.x == 2\n}\n");
    assertThat(value(p, "p", "{\"x\": 2}")).isEqualTo(Json.parse("true"));
  }

  @Test
  void theKeywordsNeedTheCapabilityToBeImported() {
    assertThatThrownBy(() -> Rego.builder().module("t.rego", "package t\nimport future.keywords.and\n").compile())
        .isInstanceOf(CompileException.class)
        .hasMessageContaining("t.rego:2:1")
        .hasMessageContaining("experimental");
    // without the import, and/or are ordinary names
    PreparedPolicy p = Rego.builder().experimentalKeywords(true).module("t.rego", "package t\n\nor := 1\nand := or + 1\n").compile();
    assertThat(value(p, "and", null)).isEqualTo(Json.parse("2"));
  }

  @Test
  void importingRegoV2BringsTheKeywordsToThatModuleOnly() {
    // No experimental capability here: rego.v2 stands for and, or and not (negated bodies).
    PreparedPolicy p = Rego.builder()
        .module("a.rego", """
            package t
            import future.keywords.or
            import rego.v2

            either if input.a or input.b
            neither if not { input.a or input.b }
            """)
        .module("b.rego", """
            package t

            named := or if or := "plain name"
            """)
        .compile();
    assertThat(value(p, "either", "{\"a\": false, \"b\": true}")).isEqualTo(Json.parse("true"));
    assertThat(value(p, "neither", "{\"a\": false, \"b\": false}")).isEqualTo(Json.parse("true"));
    assertThat(value(p, "neither", "{\"a\": true, \"b\": false}")).isNull();
    assertThat(value(p, "named", null)).isEqualTo(Json.parse("\"plain name\""));
  }
}
