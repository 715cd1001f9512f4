package dev.postee.cluster.nats;

import static dev.postee.cluster.nats.NatsTesting.assumeNatsServer;
import static dev.postee.cluster.nats.NatsTesting.fast;
import static dev.postee.cluster.nats.NatsTesting.freePort;
import static dev.postee.cluster.nats.NatsTesting.serverOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Mutual TLS against a real nats-server with {@code verify: true}, with certificates made by a test CA. */
class BackplaneTlsTest {
  private static final Duration REFUSAL_WAIT = Duration.ofSeconds(3);

  @TempDir static Path dir;
  static TestPki ca;
  static TestPki otherCa;
  static NatsServerSupervisor server;
  static String url;

  @BeforeAll
  static void startTlsServer() throws Exception {
    assumeNatsServer();
    ca = TestPki.newCa(dir, "postee");
    otherCa = TestPki.newCa(dir, "intruder");
    TestPki.Issued serverCert = ca.issue(dir, "controller", List.of("localhost"), List.of("127.0.0.1"), false);
    server = NatsServerSupervisor.start(serverOptions("tls", freePort(), Files.createDirectories(dir.resolve("data")))
        .withTls(serverCert.certFile(), serverCert.keyFile(), ca.certFile));
    url = server.clientUrl();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  void theServerConfigVerifiesClientCertificatesAgainstTheCa() throws Exception {
    assertThat(url).startsWith("tls://127.0.0.1:");
    assertThat(Files.readString(server.configFile())).contains("ca_file: \"" + ca.certFile.toAbsolutePath() + "\"")
        .contains("verify: true");
  }

  @ParameterizedTest(name = "key as {0}")
  @ValueSource(strings = {"PKCS#8", "SEC1"})
  void aClientWithACertificateSignedByTheCaConnects(String keyFormat) throws Exception {
    TestPki.Issued runner = ca.issue(dir, "runner-1-" + keyFormat.replace("#", ""), List.of(), List.of(),
        keyFormat.equals("PKCS#8"));
    try (Backplane b = Backplane.connect(
        fast(BackplaneOptions.forRunner("runner-1", url).withTls(ca.certFile, runner.certFile(), runner.keyFile())),
        Duration.ofSeconds(10))) {
      assertThat(b.isConnected()).isTrue();
      assertThat(b.connection().getServerInfo().isTLSRequired()).isTrue();
      b.connection().flush(Duration.ofSeconds(5));
    }
  }

  @Test
  void aClientWithACertificateFromAnotherCaIsRefused() throws Exception {
    TestPki.Issued intruder = otherCa.issue(dir, "intruder-runner", List.of(), List.of(), true);
    try (NatsServerSupervisor own = verifyingServer("intruder")) {
      assertThatThrownBy(() -> Backplane.connect(
          fast(BackplaneOptions.forRunner("runner-1", own.clientUrl())
              .withTls(ca.certFile, intruder.certFile(), intruder.keyFile())),
          REFUSAL_WAIT))
          .isInstanceOf(BackplaneException.class)
          .hasMessageContaining("cannot connect to the NATS backplane");
      // the JDK offers no certificate the server's CA list does not name, so the server sees none
      assertThat(own.recentOutput()).as("the server refused the handshake")
          .anySatisfy(line -> assertThat(line).contains("TLS handshake error"));
    }
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    try (NatsServerSupervisor own = verifyingServer("no-cert")) {
      assertThatThrownBy(() -> Backplane.connect(
          fast(BackplaneOptions.forRunner("runner-1", own.clientUrl()).withTls(ca.certFile, null, null)), REFUSAL_WAIT))
          .isInstanceOf(BackplaneException.class)
          .hasMessageContaining("cannot connect to the NATS backplane");
      assertThat(own.recentOutput()).as("the server refused the handshake")
          .anySatisfy(line -> assertThat(line).contains("TLS handshake error", "didn't provide a certificate"));
    }
  }

  /** A server of its own, so that its output shows only this test's handshakes. */
  private static NatsServerSupervisor verifyingServer(String name) throws Exception {
    TestPki.Issued cert = ca.issue(dir, "server-" + name, List.of("localhost"), List.of("127.0.0.1"), false);
    return NatsServerSupervisor.start(serverOptions("tls", freePort(), Files.createDirectories(dir.resolve("data-" + name)))
        .withTls(cert.certFile(), cert.keyFile(), ca.certFile));
  }

  @Test
  void aServerCertificateFromAnotherCaIsNotTrusted() {
    TestPki.Issued runner = ca.issue(dir, "runner-2", List.of(), List.of(), true);
    assertThatThrownBy(() -> Backplane.connect(
        fast(BackplaneOptions.forRunner("runner-2", url).withTls(otherCa.certFile, runner.certFile(), runner.keyFile())),
        REFUSAL_WAIT))
        .isInstanceOf(BackplaneException.class)
        .hasMessageContaining("not signed by the configured CA");
  }

  @Test
  void aServerCertificateThatDoesNotNameTheHostIsRefused() throws Exception {
    TestPki.Issued elsewhere = ca.issue(dir, "elsewhere", List.of("nats.example.org"), List.of(), false);
    Path data = Files.createDirectories(dir.resolve("data-elsewhere"));
    try (NatsServerSupervisor other = NatsServerSupervisor.start(serverOptions("tls", freePort(), data)
        .withTls(elsewhere.certFile(), elsewhere.keyFile(), ca.certFile))) {
      TestPki.Issued runner = ca.issue(dir, "runner-3", List.of(), List.of(), true);
      assertThatThrownBy(() -> Backplane.connect(
          fast(BackplaneOptions.forRunner("runner-3", other.clientUrl())
              .withTls(ca.certFile, runner.certFile(), runner.keyFile())),
          REFUSAL_WAIT))
          .isInstanceOf(BackplaneException.class)
          .hasMessageContaining("does not name the host");
    }
  }

  @Test
  void theServerCertificateIsCheckedAgainstTheHostNameOfTheUrlNotItsAddress() throws Exception {
    TestPki.Issued named = ca.issue(dir, "named", List.of("localhost"), List.of(), false); // no IP SAN
    Path data = Files.createDirectories(dir.resolve("data-named"));
    try (NatsServerSupervisor other = NatsServerSupervisor.start(serverOptions("tls", freePort(), data)
        .withTls(named.certFile(), named.keyFile(), ca.certFile))) {
      TestPki.Issued runner = ca.issue(dir, "runner-4", List.of(), List.of(), true);
      String byName = other.clientUrl().replace("127.0.0.1", "localhost");
      try (Backplane b = Backplane.connect(
          fast(BackplaneOptions.forRunner("runner-4", byName).withTls(ca.certFile, runner.certFile(), runner.keyFile())),
          Duration.ofSeconds(10))) {
        assertThat(b.isConnected()).isTrue();
      }
    }
  }

  @Test
  void aMissingCertificateFileIsAClearStartUpError() {
    assertThatThrownBy(() -> Backplane.start(
        BackplaneOptions.of(url).withTls(dir.resolve("no-ca.pem"), null, null)))
        .isInstanceOf(BackplaneException.class)
        .hasMessageContaining("CA file")
        .hasMessageContaining("no-ca.pem")
        .hasMessageContaining("does not exist");
  }
}
