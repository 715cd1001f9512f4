package dev.postee.core.action;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP exchange for HTTP-based actions, and the one place that turns its outcome into an
 * {@link ActionResult}: 2xx is OK; 408, 429 and 5xx are transient (RETRY, honouring Retry-After);
 * other statuses are permanent (FAILED); network errors and timeouts are transient.
 */
final class HttpCall {
  /**
   * Header carrying the execution id: the same for every attempt and every redelivery of one
   * action execution, so a receiver can drop the copy it gets when Postee was killed between
   * the receiver's answer and recording it (at-least-once delivery made idempotent).
   */
  static final String EXECUTION_ID_HEADER = "X-Postee-Execution-Id";

  static void identify(HttpRequest.Builder builder, ActionRequest request) {
    if (request.executionId() != null) builder.header(EXECUTION_ID_HEADER, request.executionId());
    if (request.eventId() != null) builder.header("X-Postee-Event-Id", request.eventId());
  }

  /** How much of a response body is kept for the execution log. */
  static final int RESPONSE_EXCERPT_BYTES = 4096;
  /** Unreserved and reserved URI characters, and '%' so that existing escapes are kept. */
  private static final String URI_CHARACTERS = "-._~:/?#[]@!$&'()*+,;=%";

  private HttpCall() {}

  /**
   * Sends {@code request} (whose timeout is set here) and waits at most until {@code deadline} for
   * the complete response, body included.
   *
   * @param what how the exchange is named in messages, e.g. {@code POST https://host:443}
   * @param redactor hides the action's secrets in error text and the response excerpt
   * @throws InterruptedException when the calling thread is interrupted; the exchange is cancelled
   */
  static ActionResult send(HttpClient client, HttpRequest.Builder request, Instant deadline, Clock clock,
      String what, Redactor redactor) throws InterruptedException {
    Duration budget = Duration.between(clock.instant(), deadline);
    if (budget.isNegative() || budget.isZero()) {
      return ActionResult.retry(what + " not sent: the attempt's deadline had already passed");
    }
    CompletableFuture<HttpResponse<String>> exchange =
        client.sendAsync(request.timeout(budget).build(), info -> new ExcerptSubscriber(RESPONSE_EXCERPT_BYTES));
    HttpResponse<String> response;
    try {
      response = exchange.get(budget.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      return timedOut(what, budget);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      throw e;
    } catch (CancellationException e) {
      return ActionResult.retry(what + " was cancelled");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) return timedOut(what, budget);
      return ActionResult.retry(what + " failed: " + redactor.scrub(Messages.describe(cause)));
    }
    return classify(response, what, clock.instant(), redactor);
  }

  static ActionResult classify(HttpResponse<String> response, String what, Instant now, Redactor redactor) {
    int status = response.statusCode();
    String excerpt = redactor.scrub(response.body());
    if (status >= 200 && status <= 299) return ActionResult.okHttp(status, excerpt);
    String error = what + " answered HTTP " + status;
    if (isTransient(status)) {
      Duration retryAfter = parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null), now);
      return new ActionResult(ActionResult.Outcome.RETRY, status, null, excerpt, error, retryAfter);
    }
    return new ActionResult(ActionResult.Outcome.FAILED, status, null, excerpt, error, null);
  }

  static boolean isTransient(int status) {
    return status == 408 || status == 429 || (status >= 500 && status <= 599);
  }

  /**
   * A Retry-After header value (RFC 9110: delay-seconds or an HTTP-date) as a delay from {@code now};
   * null when absent or malformed, zero for a date in the past.
   */
  static Duration parseRetryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) return null;
    String v = value.trim();
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // Absurdly large values are capped later by the retry policy's maximum delay.
      return v.length() > 9 ? Duration.ofSeconds(999_999_999L) : Duration.ofSeconds(Long.parseLong(v));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException malformed) {
      return null;
    }
  }

  /**
   * Reads an absolute http(s) URL field. The value is never echoed in the error: after
   * {@code $VAR} substitution it may hold a token.
   */
  static URI requiredUrl(ActionSpec spec, String key) {
    String text = spec.requiredText(key).trim();
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException strict) {
      try {
        // Go's parser accepts characters such as '<', '"' or spaces in a path and escapes them when
        // sending; shipped Postee configs rely on that (https://webhook.site/<uuid>).
        uri = new URI(escapeIllegalCharacters(text));
      } catch (URISyntaxException e) {
        throw spec.configError(key, "is not a valid URL (" + e.getReason() + " at character " + (e.getIndex() + 1)
            + "); expected an absolute http:// or https:// URL");
      }
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw spec.configError(key, "must be an absolute http:// or https:// URL with a host name");
    }
    return uri;
  }

  /** Percent-encodes (as UTF-8) every character RFC 3986 does not allow anywhere in a URI. */
  static String escapeIllegalCharacters(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 128 && (Character.isLetterOrDigit(cp) || URI_CHARACTERS.indexOf(cp) >= 0)) {
        out.append((char) cp);
      } else {
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
              .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
        }
      }
    }
    return out.toString();
  }

  /**
   * The Authorization header Go's HTTP client derives from credentials in a URL
   * ({@code https://user:pass@host/...}); Postee users rely on it, the JDK client ignores them.
   */
  static Optional<String> basicAuthorization(URI uri) {
    String userInfo = uri.getUserInfo();
    if (userInfo == null) return Optional.empty();
    String credentials = userInfo.indexOf(':') >= 0 ? userInfo : userInfo + ":";
    return Optional.of("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
  }

  private static ActionResult timedOut(String what, Duration budget) {
    return ActionResult.retry(what + " timed out: no complete response within " + Messages.duration(budget));
  }

  /**
   * Keeps the first {@code limit} bytes of a response body and discards the rest as it arrives,
   * so a huge or endless body costs no memory (the deadline still bounds its duration).
   */
  private static final class ExcerptSubscriber implements HttpResponse.BodySubscriber<String> {
    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private long total;

    ExcerptSubscriber(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<String> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        int n = b.remaining();
        int keep = Math.max(0, Math.min(n, limit - kept.size()));
        if (keep > 0) {
          byte[] bytes = new byte[keep];
          b.get(bytes);
          kept.write(bytes, 0, keep);
        }
        total += n;
      }
    }

    @Override
    public void onError(Throwable error) {
      body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      String text = kept.toString(StandardCharsets.UTF_8);
      long dropped = total - kept.size();
      body.complete(dropped > 0 ? text + "... (" + dropped + " more bytes)" : text);
    }
  }
}
