package dev.postee.core.action;

import java.time.Duration;
import java.util.Locale;

/** Wording shared by the actions' and Delivery's messages. */
final class Messages {
  private Messages() {}

  /** An exception as "Type: message", plus its root cause when there is a deeper one. */
  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String text = text(t);
    return root == t ? text : text + " (" + text(root) + ")";
  }

  private static String text(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
  }

  /** A duration as people write it: "300 ms", "5 s", "1.5 s", "120 s". */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) return ms + " ms";
    if (ms % 1000 == 0) return (ms / 1000) + " s";
    return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
