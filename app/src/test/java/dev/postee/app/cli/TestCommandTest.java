package dev.postee.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.app.Shared;
import dev.postee.app.Sink;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postee test}: a dry run with the documented JSON shape and no side effects. */
class TestCommandTest {
  @TempDir Path dir;
  Sink sink;
  Path marker;
  Path cfg;

  @BeforeEach
  void setUp() throws IOException {
    sink = new Sink();
    marker = dir.resolve("exec-ran");
    cfg = dir.resolve("cfg.yaml");
    Files.writeString(cfg, """
        name: dry
        routes:
        - name: alpine-images
          input: input.os == "alpine"
          template: raw
          actions: [hook, script]
          plugins:
            unique-message-props: [digest]
        - name: windows-images
          input: input.os == "windows"
          template: raw
          actions: [hook]
        - name: broken-template
          template: failing
          actions: [hook]
        templates:
        - name: raw
          rego-package: postee.rawmessage.json
        - name: failing
          body: |
            package failing
            title := "always"
            result := input.no.such.field
        actions:
        - name: hook
          type: webhook
          enable: true
          url: SINK
        - name: script
          type: exec
          enable: true
          runs-on: node-1
          exec-script: touch MARKER
        """.replace("SINK", sink.url("/hook")).replace("MARKER", marker.toString()));
  }

  @AfterEach
  void tearDown() {
    sink.close();
  }

  private CliRun test(String... extra) {
    String[] args = new String[extra.length + 3];
    args[0] = "test";
    args[1] = "--cfgfile";
    args[2] = cfg.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    return CliRun.of(Map.of("PATH_TO_DB", dir.resolve("db/postee.db").toString()), args);
  }

  @SuppressWarnings("unchecked")
  @Test
  void jsonOutputHasTheDocumentedShapeForARealAquaScan() {
    Path event = Shared.dir().resolve("samples/events/aqua-input.json");
    CliRun run = test("--event", event.toString(), "--format", "json");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.CONFIG_ERROR); // the broken template
    Map<String, Object> doc = (Map<String, Object>) Values.toJava(Json.parse(run.out()));
    assertThat(doc).containsOnlyKeys("routes");
    List<Map<String, Object>> routes = (List<Map<String, Object>>) doc.get("routes");
    assertThat(routes).extracting(r -> r.get("route")).containsExactly("alpine-images", "windows-images", "broken-template");

    Map<String, Object> alpine = routes.get(0);
    assertThat(alpine).containsEntry("matched", true).containsEntry("template", "raw").doesNotContainKey("error");
    assertThat((String) alpine.get("title")).isNotNull();
    assertThat((String) alpine.get("result")).contains("\"image\":\"all-in-one:3.5.19223\"");
    assertThat(alpine).containsEntry("dedup_key", "[\"sha256:45388de11cfbf5c5d9e2e1418dfeac221c57cfffa1e2fffa833ac283ed029ecf\"]");
    assertThat((List<Map<String, Object>>) alpine.get("actions")).containsExactly(
        Map.of("action", "hook", "type", "webhook", "runs_on", "controller"),
        Map.of("action", "script", "type", "exec", "runs_on", "node-1"));

    Map<String, Object> windows = routes.get(1);
    assertThat(windows).containsEntry("matched", false).containsEntry("title", null).containsEntry("result", null)
        .containsEntry("actions", List.of()).containsKeys("route", "template");

    Map<String, Object> broken = routes.get(2);
    assertThat(broken).containsEntry("matched", true).containsEntry("template", "failing");
    assertThat((String) broken.get("error")).contains("failing").contains("result");

    assertThat(sink.all()).as("nothing is sent").isEmpty();
    assertThat(marker).as("nothing is executed").doesNotExist();
    assertThat(dir.resolve("db")).as("nothing is stored").doesNotExist();
  }

  @Test
  void textOutputShowsTitleResultAndWhereActionsRun() throws IOException {
    Path event = dir.resolve("event.json");
    Files.writeString(event, "{\"os\":\"alpine\",\"digest\":\"sha256:1\",\"image\":\"alpine:3.10\"}");
    CliRun run = test("--event", event.toString(), "--route", "alpine-images");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("route 'alpine-images': matched\n  template: raw\n  title: ")
        .contains("  result:\n    {\"digest\":\"sha256:1\",\"image\":\"alpine:3.10\",\"os\":\"alpine\",")
        .contains("  dedup key: [\"sha256:1\"]\n")
        .contains("    hook (webhook) runs on controller\n    script (exec) runs on node-1\n")
        .endsWith("1 of 1 route matched\n");
    assertThat(marker).doesNotExist();
  }

  @Test
  void eventMistakesAreUsageErrors() throws IOException {
    CliRun missing = test("--event", dir.resolve("absent.json").toString());
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("--event: " + dir.resolve("absent.json") + " does not exist");

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"os\": alpine}");
    CliRun invalid = test("--event", bad.toString());
    assertThat(invalid.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(invalid.err()).contains("is not valid JSON").contains("line 1, column");

    CliRun unknownRoute = test("--event", bad.toString().replace("bad", "bad"), "--route", "nope");
    assertThat(unknownRoute.exitCode()).isEqualTo(ExitCodes.USAGE);

    Path ok = dir.resolve("ok.json");
    Files.writeString(ok, "{}");
    CliRun route = test("--event", ok.toString(), "--route", "nope");
    assertThat(route.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(route.err()).contains("--route: no route named 'nope'").contains("alpine-images, windows-images, broken-template");

    CliRun format = test("--event", ok.toString(), "--format", "yaml");
    assertThat(format.exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void anInvalidConfigurationIsReportedNotDryRun() throws IOException {
    Files.writeString(cfg, "routes:\n- name: r\n  actions: [ghost]\n");
    Path ok = dir.resolve("ok.json");
    Files.writeString(ok, "{}");
    CliRun run = test("--event", ok.toString());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(run.err()).contains(cfg + ":3:").contains("ghost");
  }
}
