package dev.postee.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.app.Version;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the command line for user mistakes: short, precise, no stack traces. */
class CliTest {
  @TempDir Path dir;

  private Map<String, String> env() {
    return Map.of("PATH_TO_DB", dir.resolve("data/postee.db").toString(), "REGO_FILTERS_PATH", dir.resolve("filters").toString());
  }

  private Path config(String yaml) throws IOException {
    Path f = dir.resolve("cfg.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void versionPrintsTheBuildVersion() {
    CliRun run = CliRun.of(env(), "version");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("postee " + Version.get() + " (Java ");
    assertThat(Version.get()).isNotEqualTo("unknown");
    assertThat(CliRun.of(env(), "--version").out()).isEqualTo(run.out());
  }

  @Test
  void anUnknownFlagIsAUsageErrorWithoutStackTrace() {
    CliRun run = CliRun.of(env(), "--no-such-flag");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("postee: Unknown option: '--no-such-flag'").contains("Run 'postee --help'")
        .doesNotContain("\tat ");
  }

  @Test
  void aControllerWithoutNatsServerSaysHowToInstallItOrUseAnExistingOne() throws IOException {
    Map<String, String> env = new java.util.HashMap<>(env());
    env.put("POSTEE_NATS_SERVER", dir.resolve("no-such/nats-server").toString());
    CliRun run = CliRun.of(env, "--controller-mode", "--controller-url", "nats://127.0.0.1:0", "--url", "127.0.0.1:0",
        "--tls", "off", "--cfgfile", config("routes: []").toString());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.RUNTIME_ERROR);
    assertThat(run.err()).contains("cannot start the controller's NATS server").contains("apt-get install nats-server")
        .contains("--nats-url").doesNotContain("\tat ");
  }

  @Test
  void clusterModesWithoutABackplaneAreUsageErrors() {
    CliRun controller = CliRun.of(env(), "--controller-mode");
    assertThat(controller.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(controller.err()).contains("controller mode needs --controller-url").contains("--nats-url");

    CliRun runner = CliRun.of(env(), "--runner-name", "node-1");
    assertThat(runner.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(runner.err()).contains("runner mode needs --controller-url");
  }

  @Test
  void runnerNameTogetherWithControllerModeIsAUsageError() {
    CliRun run = CliRun.of(env(), "--controller-mode", "--runner-name", "r1");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--runner-name and --controller-mode conflict").doesNotContain("\tat ");
  }

  @Test
  void theServerRefusesAnInvalidConfigurationListingItsErrors() throws IOException {
    Path cfg = config("""
        routes:
        - name: r
          actions: [missing]
        """);
    CliRun run = CliRun.of(env(), "--cfgfile", cfg.toString(), "--url", "127.0.0.1:0", "--tls", "127.0.0.1:0");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(run.err()).contains(cfg + ":3:").contains("missing").contains("postee validate --cfgfile " + cfg)
        .doesNotContain("\tat ");
  }

  @Test
  void theServerReportsAPortInUse() throws IOException {
    Path cfg = config("""
        routes:
        - name: r
          actions: [out]
        actions:
        - name: out
          type: stdout
          enable: true
        """);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliRun run = CliRun.of(env(), "--cfgfile", cfg.toString(), "--url", "127.0.0.1:" + taken.getLocalPort(), "--tls", "off");
      assertThat(run.exitCode()).isEqualTo(ExitCodes.RUNTIME_ERROR);
      assertThat(run.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).doesNotContain("\tat ");
    }
  }

  @Test
  void regoCommandsGoToTheRegoTool() throws IOException {
    Path policy = dir.resolve("p.rego");
    Files.writeString(policy, "package p\n\nallow if input.x == 1\n");
    Path input = dir.resolve("in.json");
    Files.writeString(input, "{\"x\": 1}");
    CliRun run = CliRun.of(env(), "rego", "eval", "-d", policy.toString(), "-i", input.toString(), "data.p.allow");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("true");

    CliRun usage = CliRun.of(env(), "rego", "frobnicate");
    assertThat(usage.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(usage.err()).contains("unknown command 'frobnicate'");
  }

  @Test
  void helpListsTheSubcommandsAndExitCodes() {
    CliRun run = CliRun.of(env(), "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("validate", "test", "rego", "version", "--cfgfile", "--controller-mode",
        "--runner-seed-file", "Exit codes");
  }
}
