package dev.postee.rego.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.compile.CompileException;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

/** rego.metadata.rule() and rego.metadata.chain(): OPA's METADATA annotations as constants. */
class MetadataTest {

  private static Value eval(String query, String... modules) {
    Rego.Builder b = Rego.builder();
    for (int i = 0; i < modules.length; i++) b.module("m" + i + ".rego", modules[i]);
    PreparedPolicy policy = b.compile();
    return policy.prepare(query).evalValue(null);
  }

  private static Value json(String s) {
    return Json.parse(s);
  }

  @Test
  void chainListsRuleDocumentPackageAndSubpackagesAnnotationsInnermostFirst() {
    String root = """
        # METADATA
        # scope: subpackages
        # organizations:
        # - Acme Corp.
        package acme
        """;
    String app = """
        # METADATA
        # title: App policies
        package acme.app

        import rego.v1

        # METADATA
        # scope: document
        # description: Allow decisions

        # METADATA
        # title: Allow admins
        # authors:
        # - Jane Doe <jane@example.com>
        # - name: John
        #   email: john@example.com
        allow if rego.metadata.chain()[0].annotations.title == "Allow admins"

        chain := c if {
        \tallow
        \tc := [link.path | some link in rego.metadata.chain()]
        }
        """;
    assertThat(eval("data.acme.app.allow", root, app)).isEqualTo(json("true"));
    assertThat(eval("data.acme.app.chain", root, app))
        .isEqualTo(json("[[\"acme\",\"app\",\"chain\"],[\"acme\",\"app\"],[\"acme\"]]"));
  }

  @Test
  void fullChainValueMatchesOpasShape() {
    String src = """
        # METADATA
        # scope: subpackages
        # organizations:
        # - Acme Corp.
        package acme.app

        import rego.v1

        # METADATA
        # scope: document
        # description: Allow decisions
        allow if false

        # METADATA
        # title: Allow admins
        # related_resources:
        # - https://example.com/doc
        # - ref: https://example.com/other
        #   description: more
        # custom:
        #   severity: 7
        #   tags: [a, b]
        #   ratio: 1.50
        allow := rego.metadata.chain()
        """;
    assertThat(eval("data.acme.app.allow", src)).isEqualTo(json("""
        [
          {"path": ["acme","app","allow"], "annotations": {"scope": "rule", "title": "Allow admins",
            "related_resources": [{"ref": "https://example.com/doc"}, {"ref": "https://example.com/other", "description": "more"}],
            "custom": {"severity": 7, "tags": ["a","b"], "ratio": 1.5}}},
          {"path": ["acme","app","allow"], "annotations": {"scope": "document", "description": "Allow decisions"}},
          {"path": ["acme","app"], "annotations": {"scope": "subpackages", "organizations": ["Acme Corp."]}}
        ]"""));
  }

  @Test
  void ruleReturnsTheClosestRuleScopedBlockOrAnEmptyObject() {
    String src = """
        package p

        import rego.v1

        # METADATA
        # title: far

        # METADATA
        # title: near
        # entrypoint: true
        # scope: document
        a := rego.metadata.rule()

        # METADATA
        # title: first
        # METADATA
        # title: second
        b := rego.metadata.rule()

        c := rego.metadata.rule()
        """;
    // 'near' is document-scoped, so only 'far' (rule scope, separated by a blank line) belongs to the rule
    assertThat(eval("data.p.a", src)).isEqualTo(json("{\"scope\":\"rule\",\"title\":\"far\"}"));
    // a METADATA line starts a new block; the one nearest the rule wins
    assertThat(eval("data.p.b", src)).isEqualTo(json("{\"scope\":\"rule\",\"title\":\"second\"}"));
    assertThat(eval("data.p.c", src)).isEqualTo(json("{}"));
  }

  @Test
  void elseBranchesAndFunctionsGetTheirOwnEntryAndOutputArgumentFormWorks() {
    String src = """
        package p

        import rego.v1

        # METADATA
        # title: f
        f(x) := t if {
        \tx > 0
        \trego.metadata.rule(m)
        \tt := m.title
        } else := rego.metadata.rule()

        pos := f(1)

        neg := f(-1)
        """;
    assertThat(eval("data.p.pos", src)).isEqualTo(json("\"f\""));
    assertThat(eval("data.p.neg", src)).isEqualTo(json("{}"));
  }

  @Test
  void schemasAreReportedAsPathAndSchemaArrays() {
    String src = """
        package p

        import rego.v1

        # METADATA
        # schemas:
        # - input.request: schema.request
        # - data.cfg: {type: object}
        x := rego.metadata.rule().schemas
        """;
    assertThat(eval("data.p.x", src)).isEqualTo(json("""
        [{"path":["input","request"],"schema":["schema","request"]},
         {"path":["data","cfg"],"definition":{"type":"object"}}]"""));
  }

  @Test
  void userRulesNamedRegoShadowTheBuiltins() {
    String src = """
        package p

        import rego.v1
        import data.lib as rego

        x := rego.metadata.rule()
        """;
    String lib = """
        package lib.metadata

        rule() := "mine"
        """;
    assertThat(eval("data.p.x", src, lib)).isEqualTo(json("\"mine\""));
  }

  @Test
  void misplacedOrRedeclaredAnnotationsAreCompileErrorsOnlyWhenMetadataIsUsed() {
    String badScope = """
        package p

        import rego.v1

        # METADATA
        # scope: package
        x := 1
        """;
    assertThat(eval("data.p.x", badScope)).isEqualTo(json("1"));
    assertThatThrownBy(() -> eval("data.p.y", badScope + "\ny := rego.metadata.chain()\n"))
        .isInstanceOf(CompileException.class)
        .hasMessageContaining("m0.rego:5:1")
        .hasMessageContaining("annotation scope 'package' must be applied to package");

    String one = "# METADATA\n# title: one\npackage q\n\nx := rego.metadata.chain()\n";
    String two = "# METADATA\n# title: two\npackage q\n";
    assertThatThrownBy(() -> eval("data.q.x", one, two))
        .isInstanceOf(CompileException.class)
        .hasMessageContaining("package annotation redeclared: m0.rego:1:1");

    assertThatThrownBy(() -> eval("data.q.x", "package q\n\n# METADATA\n# title: [unclosed\nx := rego.metadata.rule()\n"))
        .isInstanceOf(CompileException.class)
        .hasMessageContaining("rego_parse_error");
  }

  @Test
  void metadataInAQueryIsRejectedWithItsLocation() {
    PreparedPolicy policy = Rego.builder().module("m.rego", "package p\n").compile();
    assertThatThrownBy(() -> policy.prepare("x := rego.metadata.chain()"))
        .isInstanceOf(CompileException.class)
        .hasMessageContaining("can only be called in a rule");
  }
}
