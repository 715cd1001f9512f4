package dev.postee.core.action;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes known secret values (URL credentials and query tokens, header values, environment values)
 * from text that goes to logs and the execution log: error messages, response bodies, script output.
 */
final class Redactor {
  static final String MASK = "***";
  /** Shorter values are not secrets worth hiding, and masking them would garble every message. */
  private static final int MIN_SECRET_LENGTH = 4;

  private final List<String> secrets;

  Redactor(Collection<String> secrets) {
    Set<String> kept = new LinkedHashSet<>();
    for (String s : secrets) {
      if (s != null && s.length() >= MIN_SECRET_LENGTH) kept.add(s);
    }
    List<String> sorted = new ArrayList<>(kept);
    // Longest first, so a value containing another is masked whole.
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(sorted);
  }

  String scrub(String text) {
    if (text == null || text.isEmpty()) return text;
    String out = text;
    for (String s : secrets) out = out.replace(s, MASK);
    return out;
  }

  /** The parts of a URL that may carry credentials: the whole URL, user-info, path, query and its values. */
  static List<String> secretsOf(URI uri) {
    List<String> out = new ArrayList<>();
    out.add(uri.toString());
    out.add(uri.getRawUserInfo());
    out.add(uri.getUserInfo());
    HttpCall.basicAuthorization(uri).ifPresent(header -> {
      out.add(header);
      out.add(header.substring("Basic ".length()));
    });
    // Webhook URLs (Slack, Teams) carry their token in the path.
    if (uri.getRawPath() != null && uri.getRawPath().length() > 1) {
      out.add(uri.getRawPath());
      out.add(uri.getPath());
    }
    String query = uri.getRawQuery();
    if (query != null) {
      out.add(query);
      out.add(uri.getQuery());
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq >= 0 && eq + 1 < pair.length()) {
          String raw = pair.substring(eq + 1);
          out.add(raw);
          out.add(decodeOrNull(raw));
        }
      }
    }
    return out;
  }

  private static String decodeOrNull(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformedEscape) {
      return null;
    }
  }

  /** How a URL is named in messages: scheme, host and port only. */
  static String describe(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }
}
