package dev.postee.app.http;

import static dev.postee.app.http.HttpApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postee.app.Sink;
import dev.postee.app.server.ListenAddress;
import dev.postee.app.server.PosteeServer;
import dev.postee.app.server.Secret;
import dev.postee.app.server.TestSettings;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest authentication (bearer tokens, HMAC signature) and admin access (token, or loopback only). */
class AuthTest {
  static final String EVENT = "{\"image\":\"alpine\"}";
  static final List<String> ADMIN_PATHS = List.of("/events", "/reload", "/api/executions", "/metrics");

  @TempDir Path dir;
  Sink sink;
  PosteeServer server;
  Path cfg;

  @BeforeEach
  void setUp() throws Exception {
    sink = new Sink();
    cfg = dir.resolve("cfg.yaml");
    Files.writeString(cfg, HttpApiTest.CONFIG.replace("SINK", sink.url("")));
  }

  @AfterEach
  void tearDown() {
    if (server != null) server.close();
    sink.close();
  }

  private void start(Consumer<TestSettings> customize) throws Exception {
    TestSettings s = new TestSettings(dir, cfg);
    s.https = null;
    customize.accept(s);
    server = PosteeServer.start(s.build(), Map.of());
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.httpPort() + path;
  }

  static String sign(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void bearerTokensGuardIngest() throws Exception {
    start(s -> s.ingestTokens = List.of(new Secret("token-one"), new Secret("token-two")));
    HttpResponse<String> missing = Http.post(url("/"), EVENT);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"postee ingest\"");
    assertThat(json(missing)).containsEntry("error", "ingest requires authentication: send 'Authorization: Bearer <token>'");

    HttpResponse<String> wrong = Http.post(url("/scan"), EVENT, "Authorization", "Bearer token-three");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(wrong)).containsEntry("error", "the bearer token is not valid for ingest");

    assertThat(Http.post(url("/"), EVENT, "Authorization", "Bearer token-one").statusCode()).isEqualTo(200);
    assertThat(Http.post(url("/tenant/all"), EVENT, "Authorization", "bearer token-two").statusCode()).isEqualTo(200);
    assertThat(Http.get(url("/metrics")).body()).contains("postee_events_rejected_total{reason=\"unauthorized\"} 2.0");
  }

  @Test
  void anUnauthenticatedRequestIsRefusedBeforeItsBodyOrRouteIsLookedAt() throws Exception {
    start(s -> {
      s.ingestTokens = List.of(new Secret("t"));
      s.maxBodyBytes = 16;
    });
    assertThat(Http.post(url("/"), "x".repeat(1000)).statusCode()).isEqualTo(401);
    assertThat(Http.post(url("/tenant/secret-route-name"), "{}").statusCode()).isEqualTo(401);
  }

  @Test
  void anHmacSignatureOfTheBodyGuardsIngest() throws Exception {
    start(s -> {
      s.ingestHmacSecret = new Secret("shh");
      s.ingestHmacHeader = "X-Hub-Signature-256";
    });
    assertThat(Http.post(url("/"), EVENT, "X-Hub-Signature-256", sign("shh", EVENT)).statusCode()).isEqualTo(200);
    assertThat(Http.post(url("/"), EVENT, "X-Hub-Signature-256", sign("shh", EVENT).toUpperCase().replace("SHA256=", "sha256="))
        .statusCode()).isEqualTo(200);

    HttpResponse<String> wrongKey = Http.post(url("/"), EVENT, "X-Hub-Signature-256", sign("other", EVENT));
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(json(wrongKey)).containsEntry("error",
        "the signature in X-Hub-Signature-256 does not match the body (HMAC-SHA256 with the configured secret)");

    HttpResponse<String> tampered = Http.post(url("/"), "{\"image\":\"evil\"}", "X-Hub-Signature-256", sign("shh", EVENT));
    assertThat(tampered.statusCode()).isEqualTo(401);

    HttpResponse<String> malformed = Http.post(url("/"), EVENT, "X-Hub-Signature-256", "md5=abc");
    assertThat(malformed.statusCode()).isEqualTo(401);
    assertThat(json(malformed)).containsEntry("error", "header X-Hub-Signature-256 must be sha256=<hex of the HMAC-SHA256 of the body>");

    HttpResponse<String> missing = Http.post(url("/"), EVENT);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(json(missing)).containsEntry("error",
        "ingest requires authentication: send 'X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>'");
  }

  @Test
  void withTokenAndSignatureConfiguredEitherOneIsEnough() throws Exception {
    start(s -> {
      s.ingestTokens = List.of(new Secret("tok"));
      s.ingestHmacSecret = new Secret("shh");
    });
    assertThat(Http.post(url("/"), EVENT, "Authorization", "Bearer tok").statusCode()).isEqualTo(200);
    assertThat(Http.post(url("/"), EVENT, "X-Postee-Signature", sign("shh", EVENT)).statusCode()).isEqualTo(200);
    assertThat(Http.post(url("/"), EVENT, "Authorization", "Bearer nope", "X-Postee-Signature", sign("shh", EVENT)).statusCode())
        .isEqualTo(200);
    assertThat(Http.post(url("/"), EVENT, "Authorization", "Bearer nope", "X-Postee-Signature", sign("x", EVENT)).statusCode())
        .isEqualTo(401);
    assertThat(json(Http.post(url("/"), EVENT))).containsEntry("error", "ingest requires authentication: send"
        + " 'Authorization: Bearer <token>' or 'X-Postee-Signature: sha256=<hex HMAC-SHA256 of the body>'");
  }

  @Test
  void adminEndpointsRequireTheAdminToken() throws Exception {
    start(s -> s.adminToken = new Secret("admin-secret"));
    for (String path : ADMIN_PATHS) {
      HttpResponse<String> missing = Http.get(url(path));
      assertThat(missing.statusCode()).as(path).isEqualTo(401);
      assertThat(json(missing)).containsEntry("error", "this endpoint requires the admin token: send 'Authorization: Bearer <admin token>'");
      HttpResponse<String> wrong = Http.get(url(path), "Authorization", "Bearer guess");
      assertThat(wrong.statusCode()).as(path).isEqualTo(401);
      assertThat(json(wrong)).containsEntry("error", "the admin token is not valid");
      assertThat(Http.get(url(path), "Authorization", "Bearer admin-secret").statusCode()).as(path).isEqualTo(200);
    }
    assertThat(Http.post(url("/reload"), "", "Authorization", "Bearer admin-secret").statusCode()).isEqualTo(200);
    // the runner list is a controller's; a standalone instance says so, to the admin only
    assertThat(Http.get(url("/api/runners")).statusCode()).isEqualTo(401);
    HttpResponse<String> runners = Http.get(url("/api/runners"), "Authorization", "Bearer admin-secret");
    assertThat(runners.statusCode()).isEqualTo(404);
    assertThat((String) json(runners).get("error")).contains("served by a controller (--controller-mode)");
    // ingest and health stay open
    assertThat(Http.post(url("/"), EVENT).statusCode()).isEqualTo(200);
    assertThat(Http.get(url("/ping")).statusCode()).isEqualTo(200);
    assertThat(Http.get(url("/healthz")).statusCode()).isEqualTo(200);
    assertThat(Http.get(url("/readyz")).statusCode()).isEqualTo(200);
  }

  @Test
  void metricsCanBeMadePublicWhileTheOtherAdminEndpointsStayGuarded() throws Exception {
    start(s -> {
      s.adminToken = new Secret("admin-secret");
      s.publicMetrics = true;
    });
    assertThat(Http.get(url("/metrics")).statusCode()).isEqualTo(200);
    assertThat(Http.get(url("/events")).statusCode()).isEqualTo(401);
  }

  @Test
  void withoutAnAdminTokenAdminEndpointsAnswerLoopbackOnly() throws Exception {
    InetAddress external = nonLoopbackAddress();
    start(s -> s.http = new ListenAddress("0.0.0.0", 0));
    for (String path : ADMIN_PATHS) {
      assertThat(Http.get(url(path)).statusCode()).as(path).isEqualTo(200);
    }
    assumeTrue(external != null, "skipped the network half: this machine has no non-loopback IPv4 address");
    for (String path : ADMIN_PATHS) {
      HttpResponse<String> remote = Http.get("http://" + external.getHostAddress() + ":" + server.httpPort() + path);
      assertThat(remote.statusCode()).as(path).isEqualTo(403);
      assertThat((String) json(remote).get("error")).startsWith("admin endpoints are served only on loopback connections"
          + " because no admin token is configured");
    }
    assertThat(Http.post("http://" + external.getHostAddress() + ":" + server.httpPort() + "/", EVENT).statusCode()).isEqualTo(200);
  }

  @Test
  void loopbackMeansTheLoopbackAddressesOnly() {
    assertThat(AdminAccess.isLoopback("127.0.0.1")).isTrue();
    assertThat(AdminAccess.isLoopback("127.3.4.5")).isTrue();
    assertThat(AdminAccess.isLoopback("::1")).isTrue();
    assertThat(AdminAccess.isLoopback("[0:0:0:0:0:0:0:1]")).isTrue();
    assertThat(AdminAccess.isLoopback("::ffff:127.0.0.1")).isTrue();
    assertThat(AdminAccess.isLoopback("10.0.0.1")).isFalse();
    assertThat(AdminAccess.isLoopback("localhost")).as("names are never resolved").isFalse();
    assertThat(AdminAccess.isLoopback("")).isFalse();
    assertThat(AdminAccess.isLoopback(null)).isFalse();
  }

  private static InetAddress nonLoopbackAddress() throws Exception {
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!ni.isUp() || ni.isLoopback()) continue;
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) return a;
      }
    }
    return null;
  }
}
