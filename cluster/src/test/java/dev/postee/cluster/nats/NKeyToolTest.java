package dev.postee.cluster.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NKeyToolTest {
  @TempDir Path dir;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return NKeyTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void genWritesASeedAndPrintsItsPublicKeyWhichPubPrintsAgain() {
    Path seed = dir.resolve("runner-1.nk");
    assertThat(run("gen", seed.toString())).isZero();
    String publicKey = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(publicKey).startsWith("U").isEqualTo(NatsAuth.publicKeyOfSeedFile(seed));

    assertThat(run("pub", seed.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo(publicKey);

    assertThat(run("gen", seed.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("already exists");
  }

  @Test
  void permissionsPrintsTheRunnersUserEntryForAnOperatorsOwnServer() {
    String key = NatsAuth.generateUserKey().publicKey();
    assertThat(run("permissions", "node-1.example.com", key)).isZero();
    String t = dev.postee.cluster.protocol.Subjects.token("node-1.example.com");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("# Postee runner node-1.example.com (it connects with the inbox prefix _INBOX_" + t + ".)")
        .contains("nkey: \"" + key + "\"")
        .contains("\"$JS.API.CONSUMER.MSG.NEXT.POSTEE_DELEGATIONS.runner_" + t + "\"")
        .contains("subscribe: { allow: [\"_INBOX_" + t + ".>\", \"postee.v1.runner." + t + ".>\"] }");

    assertThat(run("permissions", "r1")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("nkey: \"<runner's public key>\"");

    assertThat(run("permissions", "r1", "SUAXXX")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("not an NKey public user key");
  }

  @Test
  void wrongArgumentsPrintTheUsage() {
    assertThat(run("make")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: NKeyTool gen SEED_FILE");
  }
}
