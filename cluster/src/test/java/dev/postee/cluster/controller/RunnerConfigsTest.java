package dev.postee.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.core.config.ConfigLoadResult;
import dev.postee.core.config.ConfigLoader;
import dev.postee.core.config.PosteeConfig;
import dev.postee.core.config.RouteConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerConfigsTest {
  private static final String CONFIG = """
      name: fleet
      routes:
      - name: local-route
        input: contains(input.image, "alpine")
        actions: [controller-hook]
        template: raw-json
      - name: remote-route
        input: contains(input.SigMetadata.ID, "TRC-2")
        serialize-outputs: true
        outputs: [kill, notify, controller-hook]
        template: raw-json
      - name: coupled
        input: input.SigMetadata.ID == "TRC-3"
        actions: [on-host]
      templates:
      - name: raw-json
        rego-package: postee.rawmessage.json
      outputs:
      - name: controller-hook
        type: webhook
        enable: true
        url: https://hooks.example/$${SECRET_PATH}
      - name: kill
        type: exec
        enable: true
        runs-on: runner-1
        env: ["TOKEN=${KILL_TOKEN}"]
        exec-script: |
          echo $POSTEE_EVENT
      - name: notify
        type: http
        enable: true
        runs-on: runner-1
        url: https://notify.example/api
        method: POST
        headers:
          Authorization: ["Bearer ${NOTIFY_TOKEN}"]
        body-content: "event.input.SigMetadata.ID"
      - name: on-host
        type: exec
        enable: true
        runs-on: event.input.Context.hostName
        exec-script: kill -9 1234
      """;

  private static PosteeConfig load(String yaml, Map<String, String> env) {
    ConfigLoadResult r = ConfigLoader.defaults().withEnvironment(env).load(yaml, "cfg.yaml");
    assertThat(r.errors()).as(r.formatProblems()).isEmpty();
    return r.configOrThrow();
  }

  @Test
  void runnerGetsOnlyItsOwnRoutesActionsAndTemplatesAndLoadsThemBack() {
    PosteeConfig cfg = load(CONFIG, Map.of("KILL_TOKEN", "k1ll", "NOTIFY_TOKEN", "n0t1fy"));
    RunnerConfig rc = RunnerConfigs.forRunner(cfg, "runner-1", null, null, 0);

    PosteeConfig mine = load(rc.yaml(), Map.of());
    assertThat(mine.routes()).extracting(RouteConfig::name).containsExactly("remote-route", "coupled");
    assertThat(mine.route("remote-route").orElseThrow().actions()).containsExactly("kill", "notify");
    assertThat(mine.route("remote-route").orElseThrow().serializeActions()).isTrue();
    assertThat(mine.actions()).extracting(a -> a.name()).containsExactlyInAnyOrder("kill", "notify", "on-host");
    assertThat(mine.action("kill").orElseThrow().settings().strings("env")).containsExactly("TOKEN=k1ll");
    assertThat(mine.action("kill").orElseThrow().settings().string("exec-script").orElseThrow())
        .contains("$POSTEE_EVENT");
    assertThat(mine.action("notify").orElseThrow().settings().stringListMap("headers").get("Authorization"))
        .containsExactly("Bearer n0t1fy");
    assertThat(mine.action("on-host").orElseThrow().runsOn()).isEqualTo("event.input.Context.hostName");
    assertThat(mine.template("raw-json")).isPresent();
    assertThat(rc.yaml()).doesNotContain("controller-hook").doesNotContain("hooks.example");
  }

  @Test
  void anotherRunnerSeesNoneOfRunnerOnesSecrets() {
    PosteeConfig cfg = load(CONFIG, Map.of("KILL_TOKEN", "k1ll", "NOTIFY_TOKEN", "n0t1fy"));
    RunnerConfig rc = RunnerConfigs.forRunner(cfg, "runner-2", null, null, 0);
    assertThat(rc.yaml()).doesNotContain("k1ll").doesNotContain("n0t1fy").doesNotContain("remote-route");
    // the coupled action may run on any runner: every runner has it
    assertThat(load(rc.yaml(), Map.of()).actions()).extracting(a -> a.name()).containsExactly("on-host");
  }

  @Test
  void versionChangesWithTheConfigurationOnly() {
    PosteeConfig cfg = load(CONFIG, Map.of("KILL_TOKEN", "a", "NOTIFY_TOKEN", "b"));
    PosteeConfig changed = load(CONFIG, Map.of("KILL_TOKEN", "c", "NOTIFY_TOKEN", "b"));
    assertThat(RunnerConfigs.forRunner(cfg, "runner-1", null, null, 1).version())
        .isEqualTo(RunnerConfigs.forRunner(cfg, "runner-1", null, null, 2).version())
        .isNotEqualTo(RunnerConfigs.forRunner(changed, "runner-1", null, null, 1).version());
  }

  @Test
  void namedRunnersComeFromRunsOn() {
    PosteeConfig cfg = load(CONFIG, Map.of("KILL_TOKEN", "a", "NOTIFY_TOKEN", "b"));
    assertThat(RunnerConfigs.namedRunners(cfg)).containsExactly("runner-1");
  }
}
