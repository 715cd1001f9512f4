package dev.postee.cluster.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.cluster.protocol.Subjects;
import io.nats.client.NKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsAuthTest {
  @TempDir Path dir;

  @Test
  void aGeneratedKeyIsWrittenOwnerOnlyAndReadBack() throws Exception {
    NatsAuth.UserKey key = NatsAuth.generateUserKey();
    assertThat(key.publicKey()).startsWith("U").hasSize(56);
    assertThat(key.seed()).startsWith("SU").hasSize(58);
    assertThat(key.toString()).doesNotContain(key.seed());

    Path file = dir.resolve("keys/runner.nk");
    NatsAuth.writeSeedFile(file, key);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file)).startsWith("-----BEGIN USER NKEY SEED-----\n" + key.seed() + "\n");
    assertThat(NatsAuth.readSeedFile(file)).isEqualTo(key);
    assertThat(NatsAuth.publicKeyOfSeedFile(file)).isEqualTo(key.publicKey());

    assertThatThrownBy(() -> NatsAuth.writeSeedFile(file, NatsAuth.generateUserKey()))
        .isInstanceOf(BackplaneException.class).hasMessageContaining("already exists");
    assertThat(NatsAuth.readSeedFile(file)).as("never overwritten").isEqualTo(key);
  }

  @Test
  void seedFilesAreReadInTheShapesTheNatsToolsWrite() throws Exception {
    NatsAuth.UserKey key = NatsAuth.generateUserKey();

    Path bare = Files.writeString(dir.resolve("bare.nk"), key.seed() + "\n"); // nk -gen user
    assertThat(NatsAuth.readSeedFile(bare)).isEqualTo(key);

    Path withPublic = Files.writeString(dir.resolve("pubout.nk"), key.seed() + "\n" + key.publicKey() + "\n"); // -pubout
    assertThat(NatsAuth.readSeedFile(withPublic)).isEqualTo(key);

    Path creds = Files.writeString(dir.resolve("user.creds"), NatsAuth.creds("eyJhbGciOi.fake.jwt", key));
    NatsAuth.Credentials c = NatsAuth.readCredentials(creds);
    assertThat(c.key()).isEqualTo(key);
    assertThat(c.jwt()).isEqualTo("eyJhbGciOi.fake.jwt");
    assertThat(NatsAuth.readCredentials(bare).hasJwt()).isFalse();
  }

  @Test
  void whatIsNotAUserSeedIsAClearError() throws Exception {
    Path missing = dir.resolve("nope.nk");
    assertThatThrownBy(() -> NatsAuth.readSeedFile(missing))
        .isInstanceOf(BackplaneException.class).hasMessageContaining("does not exist").hasMessageContaining("nk -gen user");

    Path junk = Files.writeString(dir.resolve("junk.nk"), "hello\n");
    assertThatThrownBy(() -> NatsAuth.readSeedFile(junk))
        .isInstanceOf(BackplaneException.class).hasMessageContaining("holds no seed");

    String accountSeed = new String(NKey.createAccount(new java.security.SecureRandom()).getSeed());
    Path account = Files.writeString(dir.resolve("account.nk"), accountSeed);
    assertThatThrownBy(() -> NatsAuth.readSeedFile(account))
        .isInstanceOf(BackplaneException.class).hasMessageContaining("SA").hasMessageContaining("a user seed (SU…) is needed");

    String seed = NatsAuth.generateUserKey().seed();
    // a character in the middle: the last one's low bits are base32 padding, and changing only them changes nothing
    Path corrupted = Files.writeString(dir.resolve("bad.nk"),
        seed.substring(0, 30) + (seed.charAt(30) == 'Q' ? 'R' : 'Q') + seed.substring(31));
    assertThatThrownBy(() -> NatsAuth.readSeedFile(corrupted))
        .isInstanceOf(BackplaneException.class).hasMessageContaining("not a valid NKey seed");
  }

  @Test
  void aRunnersPermissionsNameOnlyItsOwnSubjects() {
    String runner = "node-1.example.com";
    String t = Subjects.token(runner);
    NatsAuth.Permissions p = NatsAuth.runnerPermissions(runner);
    assertThat(p.publishAllow()).containsExactly(
        "postee.v1.config." + t,
        "postee.v1.heartbeat." + t,
        "postee.v1.events." + t,
        "$KV.POSTEE_RESULTS." + t + ".>",
        "$JS.API.CONSUMER.MSG.NEXT.POSTEE_DELEGATIONS.runner_" + t,
        "$JS.ACK.POSTEE_DELEGATIONS.runner_" + t + ".>",
        "$JS.API.CONSUMER.INFO.POSTEE_DELEGATIONS.runner_" + t);
    assertThat(p.subscribeAllow()).containsExactly("_INBOX_" + t + ".>", "postee.v1.runner." + t + ".>");
  }

  @Test
  void perRunnerAuthorizationGivesTheControllerEverythingAndRefusesSharedKeys() {
    NatsAuth.UserKey c = NatsAuth.generateUserKey();
    NatsAuth.UserKey a = NatsAuth.generateUserKey();
    NatsAuth.Authorization auth = NatsAuth.Authorization.perRunner(c.publicKey(), Map.of("a", a.publicKey()));
    assertThat(auth.users()).hasSize(2);
    assertThat(auth.users().get(0).unrestricted()).isTrue();
    assertThat(auth.users().get(1).permissions()).isEqualTo(NatsAuth.runnerPermissions("a"));

    assertThatThrownBy(() -> NatsAuth.Authorization.perRunner(c.publicKey(), Map.of("a", c.publicKey())))
        .isInstanceOf(BackplaneException.class)
        .hasMessageContaining("used by both controller and runner a");
    assertThatThrownBy(() -> NatsAuth.Authorization.perRunner(c.publicKey(), Map.of("a", c.seed())))
        .isInstanceOf(BackplaneException.class)
        .hasMessageContaining("not an NKey public user key");
  }
}
