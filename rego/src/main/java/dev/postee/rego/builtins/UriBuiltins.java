package dev.postee.rego.builtins;

import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * uri.parse and uri.is_valid: Go's url.Parse (Go 1.26 rules, strict colons in hosts, bracketed
 * hosts checked as IPv6 literals) with its error texts.
 *
 * <p>Go parses bytes. The parser works on "byte strings" (one char per UTF-8 byte, via ISO-8859-1)
 * so that indexes, escapes and error excerpts match Go's exactly.
 */
public final class UriBuiltins implements BuiltinRegistrar {

  @Override
  public void register(BuiltinRegistry r) {
    r.function("uri.parse", (ctx, a) -> {
      String raw = Args.string(a, 0);
      GoUrl u;
      try {
        u = parse(bytes(raw));
      } catch (UrlException e) {
        throw BuiltinException.error(e.getMessage());
      }
      ObjectValue.Builder b = ObjectValue.builder();
      if (!u.scheme.isEmpty()) b.put("scheme", str(u.scheme));
      String[] hostPort = splitHostPort(u.host);
      if (!hostPort[0].isEmpty()) b.put("hostname", str(hostPort[0]));
      if (!hostPort[1].isEmpty()) b.put("port", str(hostPort[1]));
      if (!u.path.isEmpty()) {
        b.put("path", str(u.path));
        b.put("raw_path", str(u.rawPath.isEmpty() ? u.path : u.rawPath));
      }
      if (!u.rawQuery.isEmpty()) b.put("raw_query", str(u.rawQuery));
      if (!u.fragment.isEmpty()) b.put("fragment", str(u.fragment));
      return b.build();
    });
    r.functionCheckingOwnOperands("uri.is_valid", (ctx, a) -> {
      // OPA rejects the empty string although RFC 3986 allows an empty relative reference.
      if (!(a[0] instanceof StringValue s) || s.value().isEmpty()) return BooleanValue.FALSE;
      try {
        parse(bytes(s.value()));
        return BooleanValue.TRUE;
      } catch (UrlException e) {
        return BooleanValue.FALSE;
      }
    });
  }

  /**
   * Go's url.Parse for other builtins (JSON schema formats): {scheme, path} of a URL, or null
   * when Go rejects it.
   */
  static String[] schemeAndPath(String raw) {
    try {
      GoUrl u = parse(bytes(raw));
      return new String[] {str(u.scheme).value(), str(u.path).value()};
    } catch (UrlException e) {
      return null;
    }
  }

  /** A Go string (byte sequence) held one byte per char. */
  private static String bytes(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  private static StringValue str(String byteString) {
    return StringValue.of(EncodingBuiltins.goString(byteString.getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** Go's strconv.Quote of a byte string. */
  private static String quote(String byteString) {
    return EncodingBuiltins.goQuoteBytes(byteString.getBytes(StandardCharsets.ISO_8859_1));
  }

  static final class UrlException extends Exception {
    UrlException(String message) { super(message, null, false, false); }
  }

  /** The parts of Go's url.URL that uri.parse reports (byte strings). */
  private static final class GoUrl {
    String scheme = "";
    String host = "";
    String path = "";
    String rawPath = "";
    String rawQuery = "";
    String fragment = "";
  }

  private enum Mode { PATH, HOST, ZONE, USER_PASSWORD, FRAGMENT }

  private static boolean isAlnum(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean shouldEscape(int c, Mode mode) {
    if (isAlnum(c)) return false;
    if (mode == Mode.HOST || mode == Mode.ZONE) {
      switch (c) {
        case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '[', ']', '<', '>', '"' -> {
          return false;
        }
        default -> { }
      }
    }
    switch (c) {
      case '-', '_', '.', '~' -> { return false; }
      case '$', '&', '+', ',', '/', ':', ';', '=', '?', '@' -> {
        switch (mode) {
          case PATH -> { return c == '?'; }
          case USER_PASSWORD -> { return c == '@' || c == '/' || c == '?' || c == ':'; }
          case FRAGMENT -> { return false; }
          default -> { }
        }
      }
      default -> { }
    }
    if (mode == Mode.FRAGMENT && (c == '!' || c == '(' || c == ')' || c == '*')) return false;
    return true;
  }

  private static int unhex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  private static UrlException escapeError(String s) {
    return new UrlException("invalid URL escape " + quote(s));
  }

  /** Go's url.unescape over a byte string. */
  private static String unescape(String s, Mode mode) throws UrlException {
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c == '%') {
        n++;
        if (i + 2 >= s.length() || unhex(s.charAt(i + 1)) < 0 || unhex(s.charAt(i + 2)) < 0) {
          throw escapeError(s.substring(i, Math.min(s.length(), i + 3)));
        }
        String three = s.substring(i, i + 3);
        // RFC 3986: in a host, escapes may only encode non-ASCII bytes (%25 introduces a zone).
        if (mode == Mode.HOST && unhex(s.charAt(i + 1)) < 8 && !three.equals("%25")) {
          throw escapeError(three);
        }
        if (mode == Mode.ZONE) {
          int v = unhex(s.charAt(i + 1)) << 4 | unhex(s.charAt(i + 2));
          if (!three.equals("%25") && v != ' ' && shouldEscape(v, Mode.HOST)) throw escapeError(three);
        }
        i += 3;
      } else {
        if ((mode == Mode.HOST || mode == Mode.ZONE) && c < 0x80 && shouldEscape(c, mode)) {
          throw new UrlException("invalid character " + quote(String.valueOf(c)) + " in host name");
        }
        i++;
      }
    }
    if (n == 0) return s;
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c == '%') {
        sb.append((char) (unhex(s.charAt(i + 1)) << 4 | unhex(s.charAt(i + 2))));
        i += 3;
      } else {
        sb.append(c);
        i++;
      }
    }
    return sb.toString();
  }

  private static String escape(String s, Mode mode) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (shouldEscape(c, mode)) {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Go's url.Parse: errors read `parse "<url>": <reason>`. */
  private static GoUrl parse(String raw) throws UrlException {
    int hash = raw.indexOf('#');
    String u = hash < 0 ? raw : raw.substring(0, hash);
    GoUrl url;
    try {
      url = parseWithoutFragment(u);
    } catch (UrlException e) {
      throw new UrlException("parse " + quote(u) + ": " + e.getMessage());
    }
    if (hash < 0) return url;
    String frag = raw.substring(hash + 1);
    try {
      url.fragment = unescape(frag, Mode.FRAGMENT);
    } catch (UrlException e) {
      throw new UrlException("parse " + quote(raw) + ": " + e.getMessage());
    }
    return url;
  }

  private static GoUrl parseWithoutFragment(String raw) throws UrlException {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c == 0x7f) throw new UrlException("net/url: invalid control character in URL");
    }
    GoUrl url = new GoUrl();
    if (raw.equals("*")) {
      url.path = "*";
      return url;
    }
    String rest = raw;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
      if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        if (i == 0) break;
        continue;
      }
      if (c == ':') {
        if (i == 0) throw new UrlException("missing protocol scheme");
        url.scheme = raw.substring(0, i).toLowerCase(Locale.ROOT);
        rest = raw.substring(i + 1);
      }
      break;
    }
    int question = rest.indexOf('?');
    if (rest.endsWith("?") && question == rest.length() - 1) {
      rest = rest.substring(0, rest.length() - 1);
    } else if (question >= 0) {
      url.rawQuery = rest.substring(question + 1);
      rest = rest.substring(0, question);
    }
    if (!rest.startsWith("/")) {
      if (!url.scheme.isEmpty()) return url; // opaque: uri.parse reports only the scheme
      int slash = rest.indexOf('/');
      String segment = slash < 0 ? rest : rest.substring(0, slash);
      if (segment.indexOf(':') >= 0) throw new UrlException("first path segment in URL cannot contain colon");
    }
    if ((!url.scheme.isEmpty() || !rest.startsWith("///")) && rest.startsWith("//")) {
      String authority = rest.substring(2);
      rest = "";
      int slash = authority.indexOf('/');
      if (slash >= 0) {
        rest = authority.substring(slash);
        authority = authority.substring(0, slash);
      }
      url.host = parseAuthority(authority);
    }
    url.path = unescape(rest, Mode.PATH);
    // RawPath is kept only when the default escaping of Path would not reproduce the input.
    url.rawPath = escape(url.path, Mode.PATH).equals(rest) ? "" : rest;
    return url;
  }

  private static String parseAuthority(String authority) throws UrlException {
    int at = authority.lastIndexOf('@');
    String host = parseHost(at < 0 ? authority : authority.substring(at + 1));
    if (at < 0) return host;
    String userinfo = authority.substring(0, at);
    if (!validUserinfo(userinfo)) throw new UrlException("net/url: invalid userinfo");
    int colon = userinfo.indexOf(':');
    if (colon < 0) {
      unescape(userinfo, Mode.USER_PASSWORD);
    } else {
      unescape(userinfo.substring(0, colon), Mode.USER_PASSWORD);
      unescape(userinfo.substring(colon + 1), Mode.USER_PASSWORD);
    }
    return host;
  }

  private static boolean validUserinfo(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isAlnum(c)) continue;
      switch (c) {
        case '-', '.', '_', ':', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', '%', '@' -> { }
        default -> { return false; }
      }
    }
    return true;
  }

  private static boolean validOptionalPort(String port) {
    if (port.isEmpty()) return true;
    if (port.charAt(0) != ':') return false;
    for (int i = 1; i < port.length(); i++) {
      char c = port.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  private static UrlException invalidPort(String colonPort) {
    return new UrlException("invalid port " + quote(colonPort) + " after host");
  }

  private static String parseHost(String host) throws UrlException {
    int open = host.lastIndexOf('[');
    if (open > 0) throw new UrlException("invalid IP-literal");
    if (open == 0) {
      int close = host.lastIndexOf(']');
      if (close < 0) throw new UrlException("missing ']' in host");
      String colonPort = host.substring(close + 1);
      if (!validOptionalPort(colonPort)) throw invalidPort(colonPort);
      colonPort = unescape(colonPort, Mode.HOST);
      String hostname = host.substring(1, close);
      int zone = hostname.indexOf("%25");
      String unescaped = zone >= 0
          ? unescape(hostname.substring(0, zone), Mode.HOST) + unescape(hostname.substring(zone), Mode.ZONE)
          : unescape(hostname, Mode.HOST);
      NetBuiltins.Addr addr;
      try {
        addr = NetBuiltins.parseAddr(str(unescaped).value());
      } catch (NetBuiltins.AddrException e) {
        throw new UrlException("invalid host: " + e.getMessage());
      }
      // Only IPv6 addresses (IPv4-mapped included) may be enclosed in brackets.
      if (addr.is4()) throw new UrlException("invalid IP-literal");
      return "[" + unescaped + "]" + colonPort;
    }
    int colon = host.indexOf(':');
    if (colon >= 0) {
      String colonPort = host.substring(colon);
      if (!validOptionalPort(colonPort)) throw invalidPort(colonPort);
    }
    return unescape(host, Mode.HOST);
  }

  /** Go's URL.Hostname and URL.Port. */
  private static String[] splitHostPort(String hostPort) {
    String host = hostPort;
    String port = "";
    int colon = host.lastIndexOf(':');
    if (colon >= 0 && validOptionalPort(host.substring(colon))) {
      port = host.substring(colon + 1);
      host = host.substring(0, colon);
    }
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    return new String[] {host, port};
  }
}
