package dev.postee.cluster.nats;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Renders the {@code nats-server} configuration file of the controller's local server. */
final class NatsServerConfig {
  private NatsServerConfig() {}

  static String render(NatsServerOptions o, int monitorPort, Path natsDir, Path pidFile) {
    StringBuilder b = new StringBuilder();
    b.append("# Written by Postee (NatsServerSupervisor) at every start and authorization change; edits are lost.\n");
    b.append("server_name: ").append(quote(o.serverName())).append('\n');
    b.append("host: ").append(quote(unbracket(o.host()))).append('\n');
    b.append("port: ").append(o.port()).append('\n');
    b.append("# monitoring, for Postee's readiness and health checks only\n");
    b.append("http: ").append(quote("127.0.0.1:" + monitorPort)).append('\n');
    b.append("pid_file: ").append(quote(pidFile.toAbsolutePath().toString())).append('\n');
    b.append("max_payload: ").append(o.maxPayload()).append('\n');
    b.append("\njetstream {\n");
    b.append("  store_dir: ").append(quote(natsDir.toAbsolutePath().toString())).append('\n');
    b.append("}\n");
    if (o.tls()) {
      b.append("\ntls {\n");
      b.append("  cert_file: ").append(quote(o.tlsCert().toAbsolutePath().toString())).append('\n');
      b.append("  key_file: ").append(quote(o.tlsKey().toAbsolutePath().toString())).append('\n');
      if (o.tlsCa() != null) {
        b.append("  ca_file: ").append(quote(o.tlsCa().toAbsolutePath().toString())).append('\n');
        b.append("  # clients must present a certificate signed by ca_file\n");
        b.append("  verify: true\n");
      }
      b.append("  timeout: 5\n");
      b.append("}\n");
    }
    if (o.authorization().enabled()) {
      b.append("\nauthorization {\n  users: [\n");
      for (NatsAuth.User u : o.authorization().users()) b.append(user(u, "    "));
      b.append("  ]\n}\n");
    }
    return b.toString();
  }

  /** One entry of an {@code authorization { users: [...] }} list, indented by {@code indent}. */
  static String user(NatsAuth.User u, String indent) {
    return user(u.nkey(), u.permissions(), u.description(), indent);
  }

  /** As above, for a key that may be a placeholder; {@code permissions} null = unrestricted. */
  static String user(String nkey, NatsAuth.Permissions permissions, String description, String indent) {
    StringBuilder b = new StringBuilder();
    if (description != null) b.append(indent).append("# ").append(description.replaceAll("[\\r\\n]", " ")).append('\n');
    b.append(indent).append("{\n").append(indent).append("  nkey: ").append(quote(nkey)).append('\n');
    if (permissions != null) {
      b.append(indent).append("  permissions: {\n");
      b.append(indent).append("    publish: ").append(allowOnly(permissions.publishAllow())).append('\n');
      b.append(indent).append("    subscribe: ").append(allowOnly(permissions.subscribeAllow())).append('\n');
      b.append(indent).append("  }\n");
    }
    return b.append(indent).append("}\n").toString();
  }

  static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** A double-quoted string: the config parser takes it literally (no $variable expansion). */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private static String allowOnly(List<String> items) {
    // nats-server reads an empty allow list as "no restriction": deny everything instead
    if (items.isEmpty()) return "{ deny: [\">\"] }";
    return items.stream().map(NatsServerConfig::quote).collect(Collectors.joining(", ", "{ allow: [", "] }"));
  }
}
