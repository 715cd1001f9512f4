package dev.postee.core.action;

import dev.postee.core.http.Http11Client;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpTimeoutException;
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

  static void identify(List<Http11Client.Header> headers, ActionRequest request) {
    if (request.executionId() != null) headers.add(new Http11Client.Header(EXECUTION_ID_HEADER, request.executionId()));
    if (request.eventId() != null) headers.add(new Http11Client.Header("X-Postee-Event-Id", request.eventId()));
  }

  /** How much of a response body is kept for the execution log. */
  static final int RESPONSE_EXCERPT_BYTES = 4096;
  /** Unreserved and reserved URI characters, and '%' so that existing escapes are kept. */
  private static final String URI_CHARACTERS = "-._~:/?#[]@!$&'()*+,;=%";

  private HttpCall() {}

  /**
   * Sends {@code request} and waits at most until {@code deadline} for the complete response, body
   * included.
   *
   * @param what how the exchange is named in messages, e.g. {@code POST https://host:443}
   * @param redactor hides the action's secrets in error text and the response excerpt
   * @throws InterruptedException when the calling thread is interrupted; the exchange is abandoned
   */
  static ActionResult send(Http11Client client, Http11Client.Request request, Instant deadline, Clock clock,
      String what, Redactor redactor) throws InterruptedException {
    Duration budget = Duration.between(clock.instant(), deadline);
    if (budget.isNegative() || budget.isZero()) {
      return ActionResult.retry(what + " not sent: the attempt's deadline had already passed");
    }
    Http11Client.Response response;
    try {
      response = client.send(request, budget, RESPONSE_EXCERPT_BYTES);
    } catch (HttpTimeoutException e) {
      return timedOut(what, budget);
    } catch (IOException e) {
      return ActionResult.retry(what + " failed: " + redactor.scrub(Messages.describe(e)));
    }
    return classify(response, what, clock.instant(), redactor);
  }

  static ActionResult classify(Http11Client.Response response, String what, Instant now, Redactor redactor) {
    int status = response.status();
    String excerpt = redactor.scrub(excerpt(response));
    if (status >= 200 && status <= 299) return ActionResult.okHttp(status, excerpt);
    String error = what + " answered HTTP " + status;
    if (isTransient(status)) {
      Duration retryAfter = parseRetryAfter(response.header("Retry-After").orElse(null), now);
      return new ActionResult(ActionResult.Outcome.RETRY, status, null, excerpt, error, retryAfter);
    }
    return new ActionResult(ActionResult.Outcome.FAILED, status, null, excerpt, error, null);
  }

  /** The kept start of the body as UTF-8, and how much more there was. */
  private static String excerpt(Http11Client.Response response) {
    String text = new String(response.body(), StandardCharsets.UTF_8);
    long dropped = response.bodyLength() - response.body().length;
    return dropped > 0 ? text + "... (" + dropped + " more bytes)" : text;
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
}
