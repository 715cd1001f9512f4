package dev.postee.core.action;

import dev.postee.core.http.Http11Client;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code webhook}: POSTs the rendered result as JSON to {@code url}; any 2xx is success. */
public final class WebhookAction implements Action {
  public static final String TYPE = "webhook";
  /** Postee's default webhook timeout. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  private final String name;
  private final URI url;
  private final Duration timeout;
  private final Http11Client client;
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
    List<Http11Client.Header> headers = new ArrayList<>(5);
    headers.add(new Http11Client.Header("Content-Type", "application/json"));
    HttpCall.basicAuthorization(url).ifPresent(auth -> headers.add(new Http11Client.Header("Authorization", auth)));
    HttpCall.identify(headers, request);
    Http11Client.Request post = new Http11Client.Request("POST", url, headers,
        Http11Client.Body.of(request.message().result()));
    return HttpCall.send(client, post, request.deadline(), clock, what, redactor);
  }
}
