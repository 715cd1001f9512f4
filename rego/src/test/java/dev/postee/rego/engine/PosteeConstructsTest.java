package dev.postee.rego.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Rego that Postee's templates and filters are written in (v0 syntax). */
class PosteeConstructsTest {

  private static final String TEMPLATE = """
      package postee.test.html

      with_default(obj, prop, default_value) = default_value {
          not obj[prop]
      }

      with_default(obj, prop, default_value) = obj[prop]

      title = sprintf("%s vulnerability scan report", [input.image])

      severity = "critical" {
          input.vulnerability_summary.critical > 0
      } else = "high" {
          input.vulnerability_summary.high > 0
      } else = "none" {
          true
      }

      registry := with_default(input, "registry", "unknown registry")

      result = msg {
          msg := sprintf("<p>%s from %s: %s</p>", [input.image, registry, severity])
      }
      """;

  @Test
  void v0TemplateWithElseChainAndWithDefaultHelper() {
    PreparedPolicy policy = Rego.builder().module("t.rego", TEMPLATE).compile();
    Value input = Json.parse("{\"image\":\"alpine:3.10\",\"vulnerability_summary\":{\"critical\":0,\"high\":2}}");
    assertThat(str(policy.valueAt(List.of("postee", "test", "html", "title"), input)))
        .isEqualTo("alpine:3.10 vulnerability scan report");
    assertThat(str(policy.valueAt(List.of("postee", "test", "html", "severity"), input))).isEqualTo("high");
    assertThat(str(policy.valueAt(List.of("postee", "test", "html", "result"), input)))
        .isEqualTo("<p>alpine:3.10 from unknown registry: high</p>");

    Value withRegistry = Json.parse("{\"image\":\"a\",\"registry\":\"docker.io\",\"vulnerability_summary\":{\"critical\":1}}");
    assertThat(str(policy.valueAt(List.of("postee", "test", "html", "result"), withRegistry)))
        .isEqualTo("<p>a from docker.io: critical</p>");
    Value none = Json.parse("{\"image\":\"b\",\"vulnerability_summary\":{}}");
    assertThat(str(policy.valueAt(List.of("postee", "test", "html", "severity"), none))).isEqualTo("none");
  }

  @Test
  void sprintfVerbVFormatsCompositeValuesAsOpaDoes() {
    PreparedPolicy policy = Rego.builder().module("s.rego", """
        package s
        obj := sprintf("%v", [{"b": [1, "two", true], "a": null}])
        st := sprintf("%v", [{"x", 2}])
        empty := sprintf("%v|%v|%v", [set(), [], {}])
        plain := sprintf("%v", ["text"])
        """).compile();
    assertThat(str(policy.valueAt(List.of("s", "obj"), null))).isEqualTo("{\"a\": null, \"b\": [1, \"two\", true]}");
    assertThat(str(policy.valueAt(List.of("s", "st"), null))).isEqualTo("{2, \"x\"}");
    assertThat(str(policy.valueAt(List.of("s", "empty"), null))).isEqualTo("set()|[]|{}");
    assertThat(str(policy.valueAt(List.of("s", "plain"), null))).isEqualTo("text");
  }

  @Test
  void routeFilterWrappedAsPosteeDoes() {
    String filter = "package postee\ndefault allow = false\nallow {\ncontains(input.image, \"alpine\")\n}\n";
    PreparedPolicy policy = Rego.builder().module("route.rego", filter).compile();
    assertThat(policy.valueAt(List.of("postee", "allow"), Json.parse("{\"image\":\"alpine:3.10\"}")).toRego()).isEqualTo("true");
    assertThat(policy.valueAt(List.of("postee", "allow"), Json.parse("{\"image\":\"ubuntu\"}")).toRego()).isEqualTo("false");
    assertThat(policy.valueAt(List.of("postee", "allow"), Json.parse("{}")).toRego()).isEqualTo("false");
  }

  @Test
  void jsonformatIsPrettyPrintedLikePosteeRawJson() {
    PreparedPolicy policy = Rego.builder().module("j.rego",
        "package j\nout := jsonformat({\"b\": \"<x & y>\", \"a\": [1, {\"c\": true}]})\n").compile();
    assertThat(str(policy.valueAt(List.of("j", "out"), null))).isEqualTo(
        "{\n \"a\": [\n  1,\n  {\n   \"c\": true\n  }\n ],\n \"b\": \"\\u003cx \\u0026 y\\u003e\"\n}");
  }

  private static String str(Value v) {
    return v == null ? null : ((dev.postee.rego.value.StringValue) v).value();
  }
}
