package dev.postee.app.server;

/**
 * Where a listener binds, written as Postee writes it: {@code host:port}, {@code :port} (every
 * interface), {@code [v6-address]:port}. Port 0 picks a free port.
 */
public record ListenAddress(String host, int port) {
  /**
   * @throws IllegalArgumentException with a sentence saying what is expected
   */
  public static ListenAddress parse(String text) {
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("'" + text + "' is not a listen address; expected host:port, e.g. 0.0.0.0:8082 or :8082");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    if (host.isEmpty()) host = "0.0.0.0";
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "' has no valid port; expected host:port with a port from 0 to 65535");
    }
    return new ListenAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
