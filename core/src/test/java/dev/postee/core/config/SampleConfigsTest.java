package dev.postee.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The configs shipped with Go Postee and the seed document (read in place from ../shared) load;
 * the one broken upstream is reported precisely (SPEC §4.6).
 */
class SampleConfigsTest {
  private static final String BROKEN_UPSTREAM = "cfg.yaml";

  private static Path shared() {
    String dir = System.getProperty("postee.shared.dir", "../shared");
    Path shared = Path.of(dir);
    assumeTrue(Files.isDirectory(shared.resolve("samples")),
        "skipped: sample configs not found at " + shared.toAbsolutePath() + " (set -Dpostee.shared.dir)");
    return shared;
  }

  private static ConfigLoader loader() {
    return ConfigLoader.defaults().withEnvironment(Map.of());
  }

  private static List<Path> sampleConfigs(Path shared) throws IOException {
    try (Stream<Path> postee = Files.list(shared.resolve("samples/postee-configs"));
        Stream<Path> seed = Files.list(shared.resolve("samples/configs"))) {
      return Stream.concat(postee, seed).filter(Files::isRegularFile).sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> everySampleButTheBrokenOneLoads() throws IOException {
    List<Path> files = sampleConfigs(shared()).stream()
        .filter(f -> !f.getFileName().toString().equals(BROKEN_UPSTREAM)).toList();
    assertThat(files).hasSizeGreaterThanOrEqualTo(10);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      ConfigLoadResult result = loader().load(file);
      assertThat(result.errors()).as(result.formatProblems()).isEmpty();
      PosteeConfig config = result.configOrThrow();
      assertThat(config.routes()).isNotEmpty();
      assertThat(config.source()).isEqualTo(file.toString());
    }));
  }

  @Test
  void theUpstreamDefaultConfigIsReportedAtItsMisIndentedBlock() {
    Path file = shared().resolve("samples/postee-configs/" + BROKEN_UPSTREAM);
    ConfigLoadResult result = loader().load(file);

    assertThat(result.isLoaded()).as("not even half of it").isFalse();
    assertThat(result.config()).isEmpty();
    assertThat(result.errors()).singleElement().satisfies(error -> {
      assertThat(error.location()).isEqualTo(new SourceLocation(file.toString(), 147, 3));
      assertThat(error.format()).isEqualTo(file + ":147:3: error: action 'my-nexus-iq': 'organization-id' must be"
          + " a string, but found a list (of 1 item); the block at line 149 ('- name: my-dependencytrack') is"
          + " indented under 'organization-id': if it is a separate entry, indent it like the entries around it");
    });
  }

  @Test
  void theUpstreamDefaultConfigLoadsOnceItsIndentationIsFixed() throws IOException {
    Path file = shared().resolve("samples/postee-configs/" + BROKEN_UPSTREAM);
    String fixed = Files.readString(file).replace("""
          - name: my-dependencytrack
            type: dependencytrack
            enable: false
            url: http://localhost:8080/  # Mandatory. Url of Dependency Track server
            dependency-track-api-key:    # Mandatory. API key of Dependency Track server
        """, """
        - name: my-dependencytrack
          type: dependencytrack
          enable: false
          url: http://localhost:8080/  # Mandatory. Url of Dependency Track server
          dependency-track-api-key:    # Mandatory. API key of Dependency Track server
        """);
    assertThat(fixed).isNotEqualTo(Files.readString(file));

    ConfigLoadResult result = loader().load(fixed, "cfg-fixed.yaml");

    assertThat(result.errors()).as(result.formatProblems()).isEmpty();
    PosteeConfig config = result.configOrThrow();
    assertThat(config.action("my-dependencytrack").orElseThrow().type()).isEqualTo("dependencytrack");
    assertThat(config.action("my-servicenow").orElseThrow().type()).isEqualTo("servicenow");
    assertThat(config.action("my-nexus-iq").orElseThrow().type()).isEqualTo("nexusiq");
    assertThat(config.maxDbSizeBytes()).isEqualTo(1000L * 1024 * 1024);
    assertThat(config.rules()).contains("Initial Access", "Persistence");
  }

  @Test
  void theSeedControllerConfigBindsItsRunnersAndOutputs() {
    ConfigLoadResult result = loader().load(shared().resolve("samples/configs/seed-controller.yaml"));

    assertThat(result.problems()).as(result.formatProblems()).isEmpty();
    PosteeConfig config = result.configOrThrow();
    assertThat(config.type()).isEqualTo("controller");
    assertThat(config.routes()).extracting(RouteConfig::name, RouteConfig::runsOn).containsExactly(
        tuple("local-route", null),
        tuple("remote-route", "postee-runner-1"),
        tuple("remote-route-2", "postee-runner-2"));
    assertThat(config.route("remote-route").orElseThrow().serializeActions()).isTrue();
    assertThat(config.action("my-exec-from-runner").orElseThrow().settings().string("exec-script"))
        .contains("#!/bin/sh\necho $POSTEE_EVENT\n");
  }

  @Test
  void execScriptsOfPosteeSamplesKeepTheirShellText() {
    PosteeConfig config = loader().load(shared().resolve("samples/postee-configs/integration_goldens_simple.yaml"))
        .configOrThrow();

    assertThat(config.action("terminate-pod").orElseThrow().settings().string("exec-script").orElseThrow())
        .contains("PID=$(echo $POSTEE_EVENT | jq -r .Context.hostName)")
        .contains("kubectl delete pod $PID");
    assertThat(config.action("terminate-pod").orElseThrow().runsOn()).isEqualTo("test-runner-1");
  }
}
