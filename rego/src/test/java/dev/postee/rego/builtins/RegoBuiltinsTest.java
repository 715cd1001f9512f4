package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.value.Json;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class RegoBuiltinsTest {

  private static Value parseModule(String src) {
    return BuiltinRegistry.standard().lookup("rego.parse_module").function()
        .call(new DefaultBuiltinContext(), new Value[] {StringValue.of("x.rego"), StringValue.of(src)});
  }

  @Test
  void parseModuleReturnsOpasAstJson() {
    Value ast = parseModule("""
        package foo.bar

        p if { a = true }
        """);
    assertThat(ast).isEqualTo(Json.parse("""
        {"package": {"path": [{"type": "var", "value": "data"}, {"type": "string", "value": "foo"},
                              {"type": "string", "value": "bar"}]},
         "rules": [{"head": {"name": "p", "ref": [{"type": "var", "value": "p"}],
                             "value": {"type": "boolean", "value": true}},
                    "body": [{"index": 0, "terms": [{"type": "ref", "value": [{"type": "var", "value": "eq"}]},
                                                    {"type": "var", "value": "a"},
                                                    {"type": "boolean", "value": true}]}]}]}"""));
  }

  @Test
  void parseModuleShowsNegationWithAndDefaultAndElse() {
    Value ast = parseModule("""
        package p

        default d := null

        f(x) := 1 if {
        \tnot x.off with input as {}
        } else := 2
        """);
    String json = Json.write(ast);
    assertThat(json).contains("\"default\":true", "\"value\":{}", "\"negated\":true", "\"with\":[{\"target\"");
    assertThat(json).contains("\"else\":{\"body\":[{\"index\":0,\"terms\":{\"type\":\"boolean\",\"value\":true}}]");
    assertThat(json).contains("\"args\":[{\"type\":\"var\",\"value\":\"x\"}]");
  }

  @Test
  void parseModuleReportsSyntaxErrorsAsBuiltinErrors() {
    assertThatThrownBy(() -> parseModule("package foo."))
        .isInstanceOf(BuiltinException.class)
        .hasMessageContaining("x.rego:1:")
        .hasMessageContaining("rego_parse_error");
  }
}
