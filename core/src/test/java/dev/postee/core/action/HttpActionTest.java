package dev.postee.core.action;

import static dev.postee.core.action.Fixtures.request;
import static dev.postee.core.action.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.core.action.TestServer.Reply;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpActionTest {
  private static final Value EVENT = Json.parse("""
      {"image": "alpine:3.19", "SigMetadata": {"ID": "TRC-2", "Severity": 3},
       "tags": ["prod", "eu"], "Context": {"hostName": "node-7", "labels": {"team": "sec"}},
       "findings": [{"id": "CVE-1", "fixed": true}, {"id": "CVE-2", "fixed": false}]}
      """);

  @TempDir Path work;
  private ActionEnvironment env;
  private TestServer server;

  @BeforeEach
  void start() throws IOException {
    env = new ActionEnvironment(ActionEnvironment.newHttpClient(), work, Clock.systemUTC(), System.out);
    server = new TestServer();
  }

  @AfterEach
  void stop() {
    server.close();
    env.close();
  }

  private HttpAction http(Object... fields) {
    return new HttpAction(spec("call", "http", null, fields), env);
  }

  @Test
  void sendsTheConfiguredMethodHeadersAndBodyWithEventValuesSubstituted() throws Exception {
    HttpAction action = http("url", server.uri("/api/items?x=1").toString(), "method", "put",
        "headers", Map.of("X-Team", List.of("a", "b"), "Content-Type", List.of("text/plain")),
        "body-content", """
            image=event.input.image id=event.input.SigMetadata.ID sev=event.input.SigMetadata.Severity
            tag=event.input.tags.1 cve=event.input.findings.1.id fixed=event.input.findings.0.fixed
            labels=event.input.Context.labels tags=event.input.tags missing=[event.input.nope.deeper] end.""");

    ActionResult result = action.execute(request(action, "rendered", EVENT));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.OK);
    TestServer.Received r = server.received().getFirst();
    assertThat(r.method()).isEqualTo("PUT");
    assertThat(r.uri().toString()).isEqualTo("/api/items?x=1");
    assertThat(r.headers().get("X-team")).containsExactly("a", "b");
    assertThat(r.headers().getFirst("Content-Type")).isEqualTo("text/plain");
    assertThat(r.bodyText()).isEqualTo("""
        image=alpine:3.19 id=TRC-2 sev=3
        tag=eu cve=CVE-2 fixed=true
        labels={"team":"sec"} tags=["prod","eu"] missing=[] end.""");
  }

  @Test
  void posteeEventHeaderCarriesTheRenderedMessageInBase64() throws Exception {
    String message = "Title line\nrésumé: {\"k\": [1, 2]}\n";
    HttpAction action = http("url", server.uri("/").toString(), "method", "POST");

    action.execute(request(action, message, EVENT));

    String header = server.received().getFirst().headers().getFirst("Postee-Event");
    assertThat(new String(Base64.getDecoder().decode(header), StandardCharsets.UTF_8)).isEqualTo(message);
  }

  @Test
  void getWithoutBodySendsNoBody() throws Exception {
    HttpAction action = http("url", server.uri("/ping").toString(), "method", "GET");

    ActionResult result = action.execute(request(action, "m", EVENT));

    assertThat(result.isOk()).isTrue();
    TestServer.Received r = server.received().getFirst();
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void bodyFileIsSentAsItIsOnDisk() throws Exception {
    Path body = work.resolve("body.json");
    Files.writeString(body, "{\"literal\": \"event.input.image\"}\n");
    HttpAction action = http("url", server.uri("/").toString(), "method", "POST", "body-file", body.toString());

    ActionResult result = action.execute(request(action, "m", EVENT));

    assertThat(result.isOk()).isTrue();
    assertThat(server.received().getFirst().bodyText()).isEqualTo("{\"literal\": \"event.input.image\"}\n");
  }

  @Test
  void missingBodyFileIsAPermanentFailureNamingTheFile() throws Exception {
    Path missing = work.resolve("nope.json");
    HttpAction action = http("url", server.uri("/").toString(), "method", "POST", "body-file", missing.toString());

    ActionResult result = action.execute(request(action, "m", EVENT));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.FAILED);
    assertThat(result.error()).contains(missing.toString());
    assertThat(server.received()).isEmpty();
  }

  @Test
  void aggregatedMessageWithoutEventResolvesAgainstTheJsonResult() throws Exception {
    HttpAction action = http("url", server.uri("/").toString(), "method", "POST",
        "body-content", "count=event.input.count first=event.input.items.0");

    action.execute(request(action, "{\"count\": 2, \"items\": [\"a\", \"b\"]}", null));

    assertThat(server.received().getFirst().bodyText()).isEqualTo("count=2 first=a");
  }

  @Test
  void statusesAreClassifiedAsForWebhooks() throws Exception {
    server.replies(Reply.status(503).withHeader("Retry-After", "7"), Reply.status(404, "no such thing"));
    HttpAction action = http("url", server.uri("/").toString(), "method", "DELETE");

    ActionResult unavailable = action.execute(request(action, "m", EVENT));
    ActionResult notFound = action.execute(request(action, "m", EVENT));

    assertThat(unavailable.outcome()).isEqualTo(ActionResult.Outcome.RETRY);
    assertThat(unavailable.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(notFound.outcome()).isEqualTo(ActionResult.Outcome.FAILED);
    assertThat(notFound.httpStatus()).isEqualTo(404);
    assertThat(notFound.error()).contains("http DELETE").contains("HTTP 404");
  }

  @Test
  void headerValuesNeverAppearInResultsEvenWhenTheServerEchoesThem() throws Exception {
    server.replies(Reply.echo(500, r -> "rejected token " + r.headers().getFirst("Authorization")));
    HttpAction action = http("url", server.uri("/").toString(), "method", "POST",
        "headers", Map.of("Authorization", List.of("Bearer sekrit-token-123")));

    ActionResult result = action.execute(request(action, "m", EVENT));

    assertThat(result.output()).isEqualTo("rejected token " + Redactor.MASK);
    assertThat(result.error()).doesNotContain("sekrit-token-123");
  }

  @Test
  void configuredAuthorizationHeaderWinsOverUrlCredentials() throws Exception {
    String url = server.uri("/").toString().replace("http://", "http://user:hunter22pw@");
    HttpAction action = http("url", url, "method", "GET", "headers", Map.of("Authorization", List.of("Bearer tok-12345")));

    action.execute(request(action, "m", EVENT));

    assertThat(server.received().getFirst().headers().get("Authorization")).containsExactly("Bearer tok-12345");
  }

  @Test
  void timeoutDefaultsToPosteesFiveSeconds() {
    assertThat(http("url", "https://example.com", "method", "GET").timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void methodIsRequiredAsInPostee() {
    assertThatThrownBy(() -> http("url", "https://example.com"))
        .isInstanceOf(ActionConfigException.class).hasMessageContaining("field \"method\"");
  }

  @Test
  void connectIsRefused() {
    assertThatThrownBy(() -> http("url", "https://example.com", "method", "connect"))
        .isInstanceOf(ActionConfigException.class).hasMessageContaining("CONNECT is not supported");
  }

  @Test
  void bodyFileAndBodyContentAreExclusive() {
    assertThatThrownBy(() -> http("url", "https://example.com", "method", "POST", "body-file", "/tmp/x",
        "body-content", "y"))
        .isInstanceOf(ActionConfigException.class).hasMessageContaining("cannot be used together");
  }

  @Test
  void headersTheClientOwnsOrThatCouldSplitTheRequestAreRejectedWithoutEchoingValues() {
    assertThatThrownBy(() -> http("url", "https://example.com", "method", "GET",
        "headers", Map.of("Host", List.of("evil.example.com"))))
        .isInstanceOf(ActionConfigException.class).hasMessageContaining("\"Host\"");
    assertThatThrownBy(() -> http("url", "https://example.com", "method", "GET",
        "headers", Map.of("X-Token", List.of("s3cr3t\r\nX-Injected: 1"))))
        .isInstanceOf(ActionConfigException.class)
        .hasMessageContaining("\"X-Token\"")
        .hasMessageNotContaining("s3cr3t");
  }
}
