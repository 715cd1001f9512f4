package dev.postee.core.action;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code stdout}: prints the message (title line, then the result) to standard output. Each
 * message is one write, so messages of concurrent deliveries never interleave.
 */
public final class StdoutAction implements Action {
  public static final String TYPE = "stdout";

  private final String name;
  private final Duration timeout;
  private final PrintStream out;

  public StdoutAction(ActionSpec spec, ActionEnvironment env) {
    this.name = spec.name();
    this.timeout = spec.timeoutOr(DEFAULT_TIMEOUT);
    this.out = env.standardOutput();
  }

  @Override public String name() { return name; }

  @Override public String type() { return TYPE; }

  @Override public Duration timeout() { return timeout; }

  @Override
  public ActionResult execute(ActionRequest request) {
    String title = request.message().title();
    String result = request.message().result();
    StringBuilder text = new StringBuilder(title.length() + result.length() + 2);
    if (!title.isEmpty()) text.append(title).append('\n');
    text.append(result);
    if (text.isEmpty() || text.charAt(text.length() - 1) != '\n') text.append('\n');
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    // One write: PrintStream makes each write atomic, so concurrent messages cannot interleave.
    out.write(bytes, 0, bytes.length);
    out.flush();
    if (out.checkError()) return ActionResult.failed("standard output is closed or failing; the message was not printed");
    return ActionResult.ok(null);
  }
}
