package dev.postee.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both config shapes, keys in any case, and the model they bind to. */
class ConfigLoaderShapesTest {
  private static ConfigLoadResult load(String yaml) {
    return ConfigLoader.defaults().withEnvironment(Map.of()).load(yaml, "test.yaml");
  }

  @Test
  void bindsThePosteeV2ShapeIntoTheModel() {
    PosteeConfig config = load("""
        name: tenant
        aqua-server: https://aqua.example.com
        max-db-size: 300MB
        db-verify-interval: 2
        routes:
        - name: route1
          input: contains(input.image, "alpine")
          actions: [my-slack, my-webhook]
          template: vuls-slack
          serialize-actions: true
          plugins:
            unique-message-props: ["digest", "image"]
            unique-message-timeout: 2d
            aggregate-message-number: 5
            aggregate-message-timeout: 10m
        templates:
        - name: vuls-slack
          rego-package: postee.vuls.slack
        - name: inline
          body: |
            package custom
            title := "t"
            result := "r"
        - name: fetched
          url: https://example.com/template.rego
        - name: legacy
          legacy-scan-renderer: HTML
        rules:
        - name: Initial Access
        actions:
        - name: my-slack
          type: slack
          enable: true
          url: https://hooks.slack.com/services/T/B/K
        - name: my-webhook
          type: webhook
          enable: true
          url: https://example.com/hook
          timeout: 15s
          max-attempts: 4
          retry-initial-delay: 500ms
          retry-max-delay: 1m
        """).configOrThrow();

    assertThat(config.name()).isEqualTo("tenant");
    assertThat(config.aquaServer()).isEqualTo("https://aqua.example.com");
    assertThat(config.maxDbSizeBytes()).isEqualTo(300L * 1024 * 1024);
    assertThat(config.dbVerifyInterval()).isEqualTo(Duration.ofHours(2));
    assertThat(config.rules()).containsExactly("Initial Access");
    assertThat(config.source()).isEqualTo("test.yaml");

    RouteConfig route = config.route("route1").orElseThrow();
    assertThat(route.input()).isEqualTo("contains(input.image, \"alpine\")");
    assertThat(route.actions()).containsExactly("my-slack", "my-webhook");
    assertThat(route.template()).isEqualTo("vuls-slack");
    assertThat(route.serializeActions()).isTrue();
    assertThat(route.plugins()).isEqualTo(new RoutePlugins(List.of("digest", "image"), Duration.ofDays(2), 5,
        Duration.ofMinutes(10)));
    assertThat(route.location()).isEqualTo(new SourceLocation("test.yaml", 6, 3));

    assertThat(config.template("vuls-slack").orElseThrow().regoPackage()).isEqualTo("postee.vuls.slack");
    assertThat(config.template("inline").orElseThrow().body()).startsWith("package custom\n");
    assertThat(config.template("fetched").orElseThrow().url()).isEqualTo("https://example.com/template.rego");
    assertThat(config.template("legacy").orElseThrow().legacyScanRenderer()).isEqualTo("html");

    ActionConfig webhook = config.action("my-webhook").orElseThrow();
    assertThat(webhook.type()).isEqualTo("webhook");
    assertThat(webhook.enabled()).isTrue();
    assertThat(webhook.timeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(webhook.retry()).isEqualTo(new RetryConfig(4, Duration.ofMillis(500), Duration.ofMinutes(1)));
    assertThat(webhook.settings().string("url")).contains("https://example.com/hook");
    assertThat(webhook.settings().keys()).containsExactly("url");
    assertThat(config.action("my-slack").orElseThrow().retry()).isEqualTo(RetryConfig.DEFAULTS);
  }

  @Test
  void appliesDefaultsForOmittedTopLevelFields() {
    PosteeConfig config = load("""
        routes: []
        """).configOrThrow();
    assertThat(config.maxDbSizeBytes()).isNull();
    assertThat(config.dbVerifyInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(config.runnersDeclared()).isFalse();
    assertThat(config.routes()).isEmpty();
  }

  @Test
  void zeroOrEmptySizeMeansUnlimitedAndZeroIntervalMeansTheDefault() {
    assertThat(load("max-db-size: 0\n").configOrThrow().maxDbSizeBytes()).isNull();
    assertThat(load("max-db-size:\n").configOrThrow().maxDbSizeBytes()).isNull();
    assertThat(load("max-db-size: 1GB\n").configOrThrow().maxDbSizeBytes()).isEqualTo(1L << 30);
    assertThat(load("max-db-size: 4096\n").configOrThrow().maxDbSizeBytes()).isEqualTo(4096L);
    assertThat(load("db-verify-interval: 0\n").configOrThrow().dbVerifyInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(load("db-verify-interval: 90m\n").configOrThrow().dbVerifyInterval())
        .isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void bindsTheSeedShapeWithOutputsAndRouteLevelRunsOn() {
    PosteeConfig config = load("""
        version: v1
        type: controller
        name: Postee-Controller
        routes:
        - name: remote-route
          input: contains(input.SigMetadata.ID, "TRC-2")
          runs-on: "postee-runner-1"
          serialize-outputs: true
          outputs: [my-exec, my-http]
          template: raw-json
        templates:
        - name: raw-json
          rego-package: postee.rawmessage.json
        outputs:
        - name: my-exec
          type: exec
          enable: true
          exec-script: |
            #!/bin/sh
            echo $POSTEE_EVENT
        - name: my-http
          type: http
          enable: true
          runs-on: postee-runner-2
          url: "https://sample.url"
          method: POST
        """).configOrThrow();

    assertThat(config.version()).isEqualTo("v1");
    assertThat(config.type()).isEqualTo("controller");
    RouteConfig route = config.route("remote-route").orElseThrow();
    assertThat(route.actions()).containsExactly("my-exec", "my-http");
    assertThat(route.serializeActions()).isTrue();
    assertThat(route.runsOn()).isEqualTo("postee-runner-1");
    assertThat(route.runsOnFor(config.action("my-exec").orElseThrow())).isEqualTo("postee-runner-1");
    assertThat(route.runsOnFor(config.action("my-http").orElseThrow()))
        .as("an action's own runs-on wins over the route's")
        .isEqualTo("postee-runner-2");
  }

  @Test
  void matchesKeysIgnoringCaseAndNormalisesTypeNames() {
    PosteeConfig config = load("""
        Name: tenant
        ROUTES:
        - NAME: r
          Actions: [snow, nexus]
          Template: t
          Serialize-Actions: TRUE
        Templates:
        - Name: t
          Rego-Package: postee.servicenow
        Actions:
        - Name: snow
          Type: serviceNow
          ENABLE: true
          User: admin
          Password: secret
          Instance: dev123
        - name: nexus
          type: nexusIq
          enable: yes
          URL: https://nexus.example.com
          user: u
          password: p
          Organization-ID: 222de33e8005408a844c12eab952c9b0
        """).configOrThrow();

    assertThat(config.name()).isEqualTo("tenant");
    assertThat(config.route("r").orElseThrow().serializeActions()).isTrue();
    ActionConfig snow = config.action("snow").orElseThrow();
    assertThat(snow.type()).isEqualTo("servicenow");
    assertThat(snow.settings().string("instance")).contains("dev123");
    ActionConfig nexus = config.action("nexus").orElseThrow();
    assertThat(nexus.type()).isEqualTo("nexusiq");
    assertThat(nexus.enabled()).isTrue();
    assertThat(nexus.settings().string("organization-id")).contains("222de33e8005408a844c12eab952c9b0");
  }

  @Test
  void loadsYamlIndentedByOneSpaceOnEveryLine() {
    ConfigLoadResult result = load("""
         version: v1
         name: indented
         # a comment at column 1
         routes:
         - name: local-route
           input: contains(input.image, "alpine:3.10")
           outputs: [my-exec]
           template: raw-json

         templates:
         - name: raw-json
           rego-package: postee.rawmessage.json

         outputs:
         - name: my-exec
           type: exec
           enable: true
           exec-script: |
             #!/bin/sh
             echo $POSTEE_EVENT
        """);

    assertThat(result.problems()).isEmpty();
    PosteeConfig config = result.configOrThrow();
    assertThat(config.route("local-route").orElseThrow().location()).isEqualTo(new SourceLocation("test.yaml", 5, 4));
    assertThat(config.action("my-exec").orElseThrow().settings().string("exec-script"))
        .contains("#!/bin/sh\necho $POSTEE_EVENT\n");
  }

  @Test
  void bindsDeclaredRunnersWithLabelsAndNkeys() {
    String nkey = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4";
    PosteeConfig config = load("""
        runners:
        - name: node-a
          labels: {zone: eu-1, Role: edge}
          nkey: %s
        - name: node-b
        routes:
        - name: r
          actions: [kill]
          runs-on: node-a
        actions:
        - name: kill
          type: exec
          enable: true
          runs-on: event.input.Context.hostName
          exec-script: kill -9 $(echo $POSTEE_EVENT | jq .pid)
        """.formatted(nkey)).configOrThrow();

    assertThat(config.runnersDeclared()).isTrue();
    assertThat(config.runners()).extracting(RunnerConfig::name).containsExactly("node-a", "node-b");
    RunnerConfig nodeA = config.runner("node-a").orElseThrow();
    assertThat(nodeA.labels()).containsExactly(Map.entry("zone", "eu-1"), Map.entry("Role", "edge"));
    assertThat(nodeA.nkey()).isEqualTo(nkey);
    assertThat(config.runner("node-b").orElseThrow().nkey()).isNull();
    assertThat(RunnerConfig.isEventSelector(config.action("kill").orElseThrow().runsOn())).isTrue();
  }

  @Test
  void exposesTypedSettingsOfEveryFieldKind() {
    PosteeConfig config = load("""
        actions:
        - name: http
          type: http
          enable: true
          url: https://example.com
          method: post
          headers:
            "X-Token": ["a", "b"]
            "X-Single": one
        - name: docker
          type: docker
          enable: true
          docker-image-name: bitnami/kubectl:latest
          docker-cmd: ["delete", "pod", event.input.SigMetadata.hostname]
          docker-volume-mounts:
            "path/to/.kube/config": "/.kube/config"
        - name: k8s
          type: kubernetes
          enable: true
          kube-namespace: default
          kube-label-selector: app=nginx
          kube-actions:
            labels:
              Foo-Label: bar
            annotations:
              note: event.input.SigMetadata.ID
        - name: mail
          type: email
          enable: true
          host: smtp.example.com
          port: 587
          sender: postee@example.com
          recipients: ops@example.com
          use-mx: false
        """).configOrThrow();

    Settings http = config.action("http").orElseThrow().settings();
    assertThat(http.stringListMap("headers"))
        .containsExactly(Map.entry("X-Token", List.of("a", "b")), Map.entry("X-Single", List.of("one")));
    assertThat(http.string("method")).contains("post");

    Settings docker = config.action("docker").orElseThrow().settings();
    assertThat(docker.strings("docker-cmd")).containsExactly("delete", "pod", "event.input.SigMetadata.hostname");
    assertThat(docker.stringMap("docker-volume-mounts")).containsExactly(Map.entry("path/to/.kube/config",
        "/.kube/config"));
    assertThat(docker.strings("docker-env")).isEmpty();

    Settings k8s = config.action("k8s").orElseThrow().settings();
    Settings kubeActions = k8s.nested("kube-actions").orElseThrow();
    assertThat(kubeActions.stringMap("labels")).containsExactly(Map.entry("Foo-Label", "bar"));
    assertThat(kubeActions.stringMap("annotations")).containsEntry("note", "event.input.SigMetadata.ID");
    assertThat(k8s.raw("kube-actions")).isEqualTo(Map.of("labels", Map.of("Foo-Label", "bar"),
        "annotations", Map.of("note", "event.input.SigMetadata.ID")));
    assertThat(kubeActions.locationOf("labels")).isEqualTo(new SourceLocation("test.yaml", 24, 7));

    Settings mail = config.action("mail").orElseThrow().settings();
    assertThat(mail.integer("port")).contains(587L);
    assertThat(mail.bool("use-mx")).contains(false);
    assertThat(mail.strings("recipients")).containsExactly("ops@example.com");
    assertThat(mail.has("user")).isFalse();
    assertThat(mail.string("user")).isEmpty();
    assertThat(mail.locationOf("port")).isEqualTo(new SourceLocation("test.yaml", 31, 9));
  }

  @Test
  void settingsNeverPrintTheirValues() {
    ActionConfig action = load("""
        actions:
        - name: pd
          type: pagerduty
          enable: true
          pagerduty-auth-token: s3cr3t-token
          pagerduty-routing-key: r0uting-key
        """).configOrThrow().action("pd").orElseThrow();

    assertThat(action.toString()).doesNotContain("s3cr3t-token").doesNotContain("r0uting-key")
        .contains("pagerduty-auth-token");
  }

  @Test
  void supportsAnchorsAndMergeKeys() {
    PosteeConfig config = load("""
        actions:
        - &base
          name: first
          type: webhook
          enable: true
          url: https://example.com/a
        - <<: *base
          name: second
        """).configOrThrow();

    assertThat(config.action("second").orElseThrow().settings().string("url")).contains("https://example.com/a");
  }
}
