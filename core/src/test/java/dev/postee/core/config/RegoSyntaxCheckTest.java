package dev.postee.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.core.config.RegoSyntaxChecker.RegoSyntaxError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Route inputs and template bodies go through the pluggable checker, and the positions it reports
 * (relative to the text) come back as positions in the YAML file.
 */
class RegoSyntaxCheckTest {
  /** Reports an error where the text contains "@@", the way a parser reports an unexpected token. */
  private static final class MarkerChecker implements RegoSyntaxChecker {
    final List<String> checkedInputs = new ArrayList<>();
    final List<String> checkedModules = new ArrayList<>();

    @Override
    public Optional<RegoSyntaxError> checkRouteInput(String body) {
      checkedInputs.add(body);
      return find(body);
    }

    @Override
    public Optional<RegoSyntaxError> checkModule(String module) {
      checkedModules.add(module);
      return find(module);
    }

    private static Optional<RegoSyntaxError> find(String text) {
      List<String> lines = text.lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        int column = lines.get(i).indexOf("@@");
        if (column >= 0) {
          return Optional.of(new RegoSyntaxError(i + 1, column + 1, "unexpected '@' token"));
        }
      }
      return Optional.empty();
    }
  }

  private final MarkerChecker checker = new MarkerChecker();

  private ConfigLoadResult load(String yaml) {
    return ConfigLoader.defaults().withEnvironment(Map.of()).withRegoSyntaxChecker(checker).load(yaml, "test.yaml");
  }

  private SourceLocation errorLocation(String yaml) {
    ConfigLoadResult result = load(yaml);
    assertThat(result.errors()).as(result.formatProblems()).hasSize(1);
    return result.errors().get(0).location();
  }

  private static SourceLocation at(int line, int column) {
    return new SourceLocation("test.yaml", line, column);
  }

  @Test
  void reportsTheParserMessageAtThePositionInAPlainValue() {
    ConfigLoadResult result = load("""
        routes:
        - name: r
          input: contains(input.image, "alpine") @@
        """);

    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.location()).isEqualTo(at(3, 42));
      assertThat(e.message()).isEqualTo("route 'r': 'input' is not valid Rego: unexpected '@' token; expected a Rego"
          + " rule body such as contains(input.image, \"alpine\")");
    });
    assertThat(checker.checkedInputs).containsExactly("contains(input.image, \"alpine\") @@");
  }

  @Test
  void mapsPositionsInQuotedValues() {
    assertThat(errorLocation("""
        routes:
        - name: r
          input: "input.a == 1 @@"
        """)).isEqualTo(at(3, 24));
    assertThat(errorLocation("""
        routes:
        - name: r
          input: 'input.a @@'
        """)).isEqualTo(at(3, 19));
  }

  @Test
  void mapsPositionsInLiteralBlocks() {
    assertThat(errorLocation("""
        routes:
        - name: r
          input: |
            input.kind == "Pod"

            input.severity @@ "HIGH"
        """)).isEqualTo(at(6, 20));
  }

  @Test
  void mapsPositionsInOneSpaceIndentedFiles() {
    assertThat(errorLocation("""
         routes:
         - name: r
           input: |
             contains(input.SigMetadata.ID, "TRC-2")
               @@
        """)).isEqualTo(at(5, 8));
  }

  @Test
  void mapsPositionsInPlainValuesFoldedOverSeveralLines() {
    assertThat(errorLocation("""
        routes:
        - name: r
          input: input.a == 1;
            input.b @@ 2
        """)).isEqualTo(at(4, 13));
  }

  @Test
  void checksTemplateBodiesAsModules() {
    ConfigLoadResult result = load("""
        templates:
        - name: t
          body: |
            package custom
            result := @@
        """);

    assertThat(result.errors()).singleElement().satisfies(e -> {
      assertThat(e.location()).isEqualTo(at(5, 15));
      assertThat(e.message()).isEqualTo("template 't': 'body' is not a valid Rego module: unexpected '@' token");
    });
    assertThat(checker.checkedModules).containsExactly("package custom\nresult := @@\n");
  }

  @Test
  void doesNotCheckAnInputThatInputFilesReplace() {
    ConfigLoadResult result = load("""
        routes:
        - name: r
          input: broken @@
          input-files: [Allow-Image-Name.rego]
          actions: []
          template: t
        templates:
        - name: t
          rego-package: postee.rawmessage.json
        """);

    assertThat(result.isLoaded()).isTrue();
    assertThat(checker.checkedInputs).isEmpty();
    assertThat(result.warnings()).extracting(ConfigProblem::message)
        .contains("route 'r': 'input' is ignored because 'input-files' is given; keep one");
  }

  @Test
  void validRegoLoads() {
    ConfigLoadResult result = load("""
        routes:
        - name: r
          input: contains(input.image, "alpine")
          actions: []
          template: t
        templates:
        - name: t
          body: |
            package custom
            result := "ok"
        """);

    assertThat(result.isLoaded()).isTrue();
    assertThat(checker.checkedInputs).hasSize(1);
    assertThat(checker.checkedModules).hasSize(1);
  }
}
