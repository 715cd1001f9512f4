package dev.postee.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start with the packaged jar: {@code postee --cfgfile examples/standalone.yaml}
 * starts with no other setup, prints a posted event on stdout and serves HTTPS with its self-signed
 * certificate. Runs after {@code package} (failsafe), so the shaded jar itself is what is tested.
 */
class QuickStartIT {
  @TempDir Path dir;
  ChildProcess postee;

  @AfterEach
  void tearDown() {
    if (postee != null) postee.close();
  }

  @Test
  void theExampleConfigStartsPrintsEventsAndServesHttps() throws Exception {
    Path jar = Path.of(System.getProperty("postee.jar", "target/postee.jar"));
    Path example = Path.of(System.getProperty("postee.repo.dir", "..")).resolve("examples/standalone.yaml");
    assertThat(jar).exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    postee = ChildProcess.start(List.of(java, "-jar", jar.toString(), "--cfgfile", example.toString(),
        "--url", "127.0.0.1:0", "--tls", "127.0.0.1:0"), dir, Map.of());
    int http = postee.awaitHttpPort();
    int https = postee.awaitHttpsPort();

    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"image\":\"alpine:3.10\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> postee.out().contains("\"image\":\"alpine:3.10\""));

    Path cert = dir.resolve("data/tls/self-signed-cert.pem");
    assertThat(cert).exists();
    assertThat(dir.resolve("data/postee.db")).exists();
    HttpResponse<String> ping = trusting(cert).send(HttpRequest.newBuilder(URI.create("https://localhost:" + https + "/ping")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ping.body()).isEqualTo("\"Postee alive!\"");

    assertThat(postee.terminate()).isEqualTo(143);
    assertThat(postee.err()).contains("postee stopped").doesNotContain("Exception").doesNotContain("WARNING: A restricted method");
  }

  private static HttpClient trusting(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (var in = Files.newInputStream(pem)) {
      trust.setCertificateEntry("postee", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).build();
  }
}
