package dev.postee.core.action;

import java.time.Duration;

/**
 * Outcome of one attempt.
 *
 * @param outcome OK, FAILED (permanent: do not retry) or RETRY (transient)
 * @param httpStatus HTTP status for HTTP-based actions, else null
 * @param exitCode process exit code for exec-like actions, else null
 * @param output a short excerpt of the response body or process output (never secrets)
 * @param error what went wrong, for the log and the execution record; null when OK
 * @param retryAfter a delay the remote asked for (HTTP 429/503 Retry-After), or null
 */
public record ActionResult(
    Outcome outcome, Integer httpStatus, Integer exitCode, String output, String error, Duration retryAfter) {

  public enum Outcome { OK, FAILED, RETRY }

  public static ActionResult ok(String output) {
    return new ActionResult(Outcome.OK, null, null, output, null, null);
  }

  public static ActionResult okHttp(int status, String output) {
    return new ActionResult(Outcome.OK, status, null, output, null, null);
  }

  public static ActionResult failed(String error) {
    return new ActionResult(Outcome.FAILED, null, null, null, error, null);
  }

  public static ActionResult retry(String error) {
    return new ActionResult(Outcome.RETRY, null, null, null, error, null);
  }

  public boolean isOk() { return outcome == Outcome.OK; }
}
