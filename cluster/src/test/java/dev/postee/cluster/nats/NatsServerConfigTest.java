package dev.postee.cluster.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NatsServerConfigTest {
  final Path data = Path.of("/var/lib/postee");

  @Test
  void rendersListenJetStreamMonitoringAndTls() {
    NatsServerOptions o = NatsServerOptions.of("tls://0.0.0.0:4443", data)
        .withTls(Path.of("/etc/postee/server.pem"), Path.of("/etc/postee/server-key.pem"), Path.of("/etc/postee/ca.pem"));
    String conf = NatsServerConfig.render(o, 18222, data.resolve("nats"), data.resolve("nats/nats-server.pid"));
    assertThat(conf).contains("host: \"0.0.0.0\"\nport: 4443\n")
        .contains("http: \"127.0.0.1:18222\"")
        .contains("jetstream {\n  store_dir: \"/var/lib/postee/nats\"\n}")
        .contains("cert_file: \"/etc/postee/server.pem\"")
        .contains("ca_file: \"/etc/postee/ca.pem\"")
        .contains("verify: true")
        .doesNotContain("authorization {");
  }

  @Test
  void withoutACaClientsAreNotAskedForCertificates() {
    NatsServerOptions o = NatsServerOptions.of("tls://127.0.0.1:4443", data)
        .withTls(Path.of("/s.pem"), Path.of("/k.pem"), null);
    assertThat(NatsServerConfig.render(o, 1, data, data.resolve("pid"))).contains("tls {").doesNotContain("verify");
  }

  @Test
  void usersGetQuotedPermissionsAndAnEmptyListDeniesEverything() {
    NatsAuth.UserKey c = NatsAuth.generateUserKey();
    NatsAuth.UserKey r = NatsAuth.generateUserKey();
    NatsAuth.UserKey mute = NatsAuth.generateUserKey();
    NatsAuth.Authorization auth = new NatsAuth.Authorization(List.of(
        new NatsAuth.User(c.publicKey(), null, "controller"),
        new NatsAuth.User(r.publicKey(), NatsAuth.runnerPermissions("r1"), "runner r1"),
        new NatsAuth.User(mute.publicKey(), new NatsAuth.Permissions(List.of(), List.of("a.\"b\"")), "odd\nname")));
    String conf = NatsServerConfig.render(NatsServerOptions.of("nats://[::1]:4222", data).withAuthorization(auth), 1, data,
        data.resolve("pid"));
    assertThat(conf).contains("host: \"::1\"")
        .contains("# controller\n    {\n      nkey: \"" + c.publicKey() + "\"\n    }")
        .contains("\"$JS.API.CONSUMER.MSG.NEXT.POSTEE_DELEGATIONS.runner_r1\"")
        .contains("subscribe: { allow: [\"_INBOX_r1.>\", \"postee.v1.runner.r1.>\"] }")
        .contains("publish: { deny: [\">\"] }")
        .contains("subscribe: { allow: [\"a.\\\"b\\\"\"] }")
        .contains("# odd name\n");
  }

  @Test
  void theListenPortDefaultsTo4222() {
    NatsServerOptions o = NatsServerOptions.of("nats://0.0.0.0", data);
    assertThat(o.port()).isEqualTo(4222);
    assertThat(o.host()).isEqualTo("0.0.0.0");
  }
}
