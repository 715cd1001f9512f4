package dev.postee.core.action;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;

/** {@code webhook}: POSTs the rendered result as JSON to {@code url}; any 2xx is success. */
public final class WebhookAction implements Action {
  public static final String TYPE = "webhook";
  /** Postee's default webhook timeout. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  private final String name;
  private final URI url;
  private final Duration timeout;
  private final HttpClient client;
  private final Clock clock;
  private final Redactor redactor;
  private final String what;

  public WebhookAction(ActionSpec spec, ActionEnvironment env) {
    this.name = spec.name();
    this.url = HttpCall.requiredUrl(spec, "url");
    this.timeout = spec.timeoutOr(DEFAULT_TIMEOUT);
    this.client = env.httpClient();
    this.clock = env.clock();
    this.redactor = new Redactor(Redactor.secretsOf(url));
    this.what = "webhook POST to " + Redactor.describe(url);
  }

  @Override public String name() { return name; }

  @Override public String type() { return TYPE; }

  @Override public Duration timeout() { return timeout; }

  @Override
  public ActionResult execute(ActionRequest request) throws InterruptedException {
    HttpRequest.Builder post = HttpRequest.newBuilder(url)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(request.message().result()));
    HttpCall.basicAuthorization(url).ifPresent(auth -> post.header("Authorization", auth));
    HttpCall.identify(post, request);
    return HttpCall.send(client, post, request.deadline(), clock, what, redactor);
  }
}
