package dev.postee.core.action;

import static dev.postee.core.action.Fixtures.request;
import static dev.postee.core.action.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.core.action.TestServer.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookActionTest {
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

  private WebhookAction webhook(String url, Duration timeout) {
    return new WebhookAction(spec("hook", "webhook", timeout, "url", url), env);
  }

  @Test
  void postsTheRenderedResultAsJson() throws Exception {
    server.replies(Reply.status(200, "thanks"));
    WebhookAction action = webhook(server.uri("/hook").toString(), null);

    ActionResult result = action.execute(request(action, "{\"image\":\"alpine\"}", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.OK);
    assertThat(result.httpStatus()).isEqualTo(200);
    assertThat(result.output()).isEqualTo("thanks");
    TestServer.Received r = server.received().getFirst();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.uri().getPath()).isEqualTo("/hook");
    assertThat(r.headers().getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(r.bodyText()).isEqualTo("{\"image\":\"alpine\"}");
  }

  @Test
  void anyTwoHundredStatusIsSuccess() throws Exception {
    server.replies(Reply.status(204));
    WebhookAction action = webhook(server.uri("/").toString(), null);

    ActionResult result = action.execute(request(action, "{}", null));

    assertThat(result.isOk()).isTrue();
    assertThat(result.httpStatus()).isEqualTo(204);
  }

  @Test
  void clientErrorIsPermanentFailure() throws Exception {
    server.replies(Reply.status(400, "bad payload"));
    WebhookAction action = webhook(server.uri("/").toString(), null);

    ActionResult result = action.execute(request(action, "{}", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.FAILED);
    assertThat(result.httpStatus()).isEqualTo(400);
    assertThat(result.output()).isEqualTo("bad payload");
    assertThat(result.error()).contains("HTTP 400").contains("127.0.0.1");
  }

  @Test
  void serverErrorsAreRetriedWithBoundedExponentialBackoffUntilSuccess() {
    server.replies(Reply.status(500), Reply.status(503), Reply.status(200));
    WebhookAction action = webhook(server.uri("/").toString(), null);
    List<ExecutionRecord> records = new CopyOnWriteArrayList<>();
    Delivery delivery = new Delivery(records::add, Clock.systemUTC(), Fixtures.longestJitter());
    RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofMillis(300));

    DeliveryOutcome outcome = delivery.deliver(action, request(action, "{}", null), policy, "standalone");

    assertThat(outcome.status()).isEqualTo(DeliveryOutcome.Status.DELIVERED);
    assertThat(outcome.attempts()).isEqualTo(3);
    assertThat(records).extracting(ExecutionRecord::outcome).containsExactly(
        ActionResult.Outcome.RETRY, ActionResult.Outcome.RETRY, ActionResult.Outcome.OK);
    assertThat(records).extracting(ExecutionRecord::httpStatus).containsExactly(500, 503, 200);
    List<TestServer.Received> got = server.received();
    assertThat(got).hasSize(3);
    long firstGapMs = (got.get(1).arrivedNanos() - got.get(0).arrivedNanos()) / 1_000_000;
    long secondGapMs = (got.get(2).arrivedNanos() - got.get(1).arrivedNanos()) / 1_000_000;
    // Ceilings: 200 ms before the first retry, min(400, 300) ms before the second; the jitter used
    // here always picks the ceiling. The upper slack absorbs a loaded machine.
    assertThat(firstGapMs).isBetween(190L, 200L + 1500L);
    assertThat(secondGapMs).isBetween(290L, 300L + 1500L);
  }

  @Test
  void tooManyRequestsWaitsForRetryAfterSeconds() {
    server.replies(Reply.status(429).withHeader("Retry-After", "1"), Reply.status(200));
    WebhookAction action = webhook(server.uri("/").toString(), null);
    List<ExecutionRecord> records = new CopyOnWriteArrayList<>();
    Delivery delivery = new Delivery(records::add, Clock.systemUTC(), Fixtures.noJitter());

    DeliveryOutcome outcome = delivery.deliver(action, request(action, "{}", null),
        new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(5)), "standalone");

    assertThat(outcome.delivered()).isTrue();
    assertThat(records.getFirst().httpStatus()).isEqualTo(429);
    assertThat(records.getFirst().outcome()).isEqualTo(ActionResult.Outcome.RETRY);
    List<TestServer.Received> got = server.received();
    // Without Retry-After the jitter used here would retry at once.
    assertThat((got.get(1).arrivedNanos() - got.get(0).arrivedNanos()) / 1_000_000).isGreaterThanOrEqualTo(950L);
  }

  @Test
  void retryAfterIsCappedByTheMaximumDelay() {
    server.replies(Reply.status(503).withHeader("Retry-After", "3600"), Reply.status(200));
    WebhookAction action = webhook(server.uri("/").toString(), null);
    Delivery delivery = new Delivery(r -> {}, Clock.systemUTC(), Fixtures.noJitter());
    long start = System.nanoTime();

    DeliveryOutcome outcome = delivery.deliver(action, request(action, "{}", null),
        new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(200)), "standalone");

    assertThat(outcome.delivered()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void slowServerTimesOutAtTheDeadlineAsATransientFailure() throws Exception {
    server.replies(Reply.hang());
    WebhookAction action = webhook(server.uri("/").toString(), Duration.ofMillis(300));
    long start = System.nanoTime();

    ActionResult result = action.execute(request(action, "{}", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.RETRY);
    assertThat(result.error()).contains("timed out");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void unreachableServerIsATransientFailureWithoutSecretsInTheMessage() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    WebhookAction action = webhook("http://user:hunter22pw@127.0.0.1:" + closedPort + "/hooks/T0KEN-path?token=s3cr3t-value", null);

    ActionResult result = action.execute(request(action, "{}", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.RETRY);
    assertThat(result.error()).contains("127.0.0.1:" + closedPort)
        .doesNotContain("hunter22pw").doesNotContain("s3cr3t-value").doesNotContain("T0KEN-path");
  }

  @Test
  void urlSecretsEchoedByTheServerAreMaskedInTheOutputExcerpt() throws Exception {
    server.replies(Reply.echo(500, r -> "cannot handle " + r.uri()));
    String url = server.uri("/hooks/T0KEN-path?token=s3cr3t-value").toString()
        .replace("http://", "http://user:hunter22pw@");
    WebhookAction action = webhook(url, null);

    ActionResult result = action.execute(request(action, "{}", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.RETRY);
    assertThat(result.output()).startsWith("cannot handle ").contains(Redactor.MASK)
        .doesNotContain("s3cr3t-value").doesNotContain("T0KEN-path");
    assertThat(result.error()).doesNotContain("s3cr3t-value").doesNotContain("hunter22pw");
  }

  @Test
  void credentialsInTheUrlAreSentAsBasicAuthorizationAsGoDoes() throws Exception {
    String url = server.uri("/hook").toString().replace("http://", "http://svc%40corp:hunter22pw@");
    WebhookAction action = webhook(url, null);

    action.execute(request(action, "{}", null));

    assertThat(server.received().getFirst().headers().getFirst("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("svc@corp:hunter22pw".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void timeoutDefaultsToPosteesTwoMinutesAndZeroMeansDefault() {
    assertThat(webhook("https://example.com/x", null).timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(webhook("https://example.com/x", Duration.ZERO).timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(webhook("https://example.com/x", Duration.ofSeconds(10)).timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void missingUrlIsAConfigurationErrorAtTheAction() {
    assertThatThrownBy(() -> new WebhookAction(spec("hook", "webhook", null), env))
        .isInstanceOf(ActionConfigException.class)
        .hasMessageContaining("action \"hook\"").hasMessageContaining("field \"url\"").hasMessageContaining("is required");
  }

  @Test
  void nonHttpUrlIsAConfigurationErrorThatDoesNotRepeatTheValue() {
    assertThatThrownBy(() -> webhook("ftp://files.example.com/s3cr3t-value", null))
        .isInstanceOf(ActionConfigException.class)
        .hasMessageStartingWith(MapSettings.FILE + ":2:3: ")
        .hasMessageContaining("http:// or https://")
        .hasMessageNotContaining("s3cr3t-value");
    assertThatThrownBy(() -> webhook("http://example.com/s3cr3t-value%zz", null))
        .isInstanceOf(ActionConfigException.class)
        .hasMessageContaining("not a valid URL")
        .hasMessageNotContaining("s3cr3t-value");
  }
}
