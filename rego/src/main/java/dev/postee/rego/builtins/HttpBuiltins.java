package dev.postee.rego.builtins;

import dev.postee.rego.builtins.security.Keys;
import dev.postee.rego.builtins.security.Pem;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * http.send: real HTTP requests with OPA's request options, response shape, per-query caching and
 * error reporting (raised as builtin errors, or returned as {@code status_code: 0} results when
 * {@code raise_error} is false).
 */
public final class HttpBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.function("http.send", (ctx, args) -> send(ctx, Args.object(args, 0)));
  }

  private static final Set<String> ALLOWED_KEYS = Set.of("method", "url", "body", "enable_redirect",
      "force_json_decode", "force_yaml_decode", "headers", "raw_body", "tls_use_system_certs", "tls_ca_cert",
      "tls_ca_cert_file", "tls_ca_cert_env_variable", "tls_client_cert", "tls_client_cert_file",
      "tls_client_cert_env_variable", "tls_client_key", "tls_client_key_file", "tls_client_key_env_variable",
      "tls_insecure_skip_verify", "tls_server_name", "timeout", "cache", "force_cache",
      "force_cache_duration_seconds", "raise_error", "caching_mode", "max_retry_attempts", "cache_ignored_headers");

  private static final Set<String> STRING_KEYS = Set.of("method", "url", "raw_body", "tls_ca_cert", "tls_ca_cert_file",
      "tls_ca_cert_env_variable", "tls_client_cert", "tls_client_cert_file", "tls_client_cert_env_variable",
      "tls_client_key", "tls_client_key_file", "tls_client_key_env_variable", "tls_server_name");

  private static final Set<Integer> CACHEABLE_CODES = Set.of(200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501);

  private static final String NETWORK_ERR = "eval_http_send_network_error";
  private static final String INTERNAL_ERR = "eval_http_send_internal_error";

  /** A failure of the transfer itself (Go's *url.Error): reported with the network error code. */
  private static final class NetworkError extends Exception {
    final boolean timeout;
    final String op;
    final String url;

    NetworkError(String op, String url, String detail, boolean timeout) {
      super(op + " \"" + url + "\": " + detail, null, false, false);
      this.op = op;
      this.url = url;
      this.timeout = timeout;
    }
  }

  private static Value send(BuiltinContext ctx, ObjectValue req) {
    boolean raiseError = true;
    Value raise = req.get("raise_error");
    if (raise != null) {
      if (!(raise instanceof BooleanValue b)) throw BuiltinException.error("invalid value for raise_error field");
      raiseError = b.value();
    }
    try {
      validateKeys(req);
    } catch (BuiltinException e) {
      if (raiseError) throw e;
      return errorResult(INTERNAL_ERR, e.code() + ": http.send: " + e.getMessage());
    }
    ObjectValue key = cacheKey(req);
    Object cacheKey = List.of("http.send", key);
    Object cached = ctx.evaluationCache().get(cacheKey);
    try {
      if (cached instanceof Value v) return v;
      if (cached instanceof RuntimeException e) throw e;
      if (cached instanceof NetworkError e) throw e;
      Value result;
      try {
        result = execute(ctx, req);
      } catch (NetworkError | RuntimeException e) {
        ctx.evaluationCache().put(cacheKey, e);
        throw e;
      }
      int status = ((NumberValue) ((ObjectValue) result).get("status_code")).intValueExact();
      if (CACHEABLE_CODES.contains(status)) ctx.evaluationCache().put(cacheKey, result);
      return result;
    } catch (NetworkError e) {
      if (raiseError) {
        throw BuiltinException.error(e.timeout ? e.op + " " + e.url + ": request timed out" : e.getMessage());
      }
      return errorResult(NETWORK_ERR, e.getMessage());
    } catch (BuiltinException e) {
      if (raiseError) throw e;
      return errorResult(INTERNAL_ERR, e.code() + ": http.send: " + e.getMessage());
    }
  }

  private static Value errorResult(String code, String message) {
    return ObjectValue.ofStrings("status_code", NumberValue.of(0), "error",
        ObjectValue.ofStrings("code", StringValue.of(code), "message", StringValue.of(message)));
  }

  private static void validateKeys(ObjectValue req) {
    SetValue.Builder invalid = SetValue.builder();
    for (Value k : req.keys()) {
      if (!(k instanceof StringValue s) || !ALLOWED_KEYS.contains(s.value())) invalid.add(k);
    }
    if (invalid.size() > 0) {
      throw BuiltinException.typeError("operand 1 invalid request parameters(s): " + invalid.build().toRego());
    }
    SetValue.Builder missing = SetValue.builder();
    for (String required : List.of("method", "url")) {
      if (req.get(required) == null) missing.add(StringValue.of(required));
    }
    if (missing.size() > 0) {
      throw BuiltinException.typeError("operand 1 missing required request parameters(s): " + missing.build().toRego());
    }
  }

  /** The request with cache_ignored_headers removed from the headers and itself set to null. */
  private static ObjectValue cacheKey(ObjectValue req) {
    Value ignored = req.get("cache_ignored_headers");
    Value headers = req.get("headers");
    ObjectValue key = req.with(StringValue.of("cache_ignored_headers"), NullValue.INSTANCE);
    if (ignored instanceof ArrayValue names && headers instanceof ObjectValue h) {
      for (Value n : names.asList()) h = h.without(n);
      key = key.with(StringValue.of("headers"), h);
    }
    return key;
  }

  // ---- request construction -------------------------------------------------------------------

  private static final class Options {
    String method = "";
    String url = "";
    String body;
    String rawBody;
    boolean enableRedirect;
    boolean insecureSkipVerify;
    Boolean useSystemCerts;
    String caCert = "";
    String caCertFile = "";
    String caCertEnv = "";
    String clientCert = "";
    String clientKey = "";
    String clientCertFile = "";
    String clientKeyFile = "";
    String clientCertEnv = "";
    String clientKeyEnv = "";
    String serverName = "";
    Map<String, Value> headers;
    Duration timeout;
    boolean forceJson;
    boolean forceYaml;
    int retries;
  }

  private static Options options(BuiltinContext ctx, ObjectValue req) {
    Options o = new Options();
    o.timeout = ctx.networkTimeout();
    for (int i = 0; i < req.size(); i++) {
      String key = ((StringValue) req.keyAt(i)).value();
      Value v = req.valueAt(i);
      String str = "";
      if (v instanceof StringValue s) {
        str = trimQuotes(s.value());
      } else if (STRING_KEYS.contains(key)) {
        throw BuiltinException.error("\"" + key + "\" must be a string");
      }
      switch (key) {
        case "method" -> o.method = str.toUpperCase(Locale.ROOT);
        case "url" -> o.url = str;
        case "enable_redirect" -> o.enableRedirect = parseBool(v);
        case "body" -> o.body = Json.writeGo(v);
        case "raw_body" -> o.rawBody = str;
        case "tls_use_system_certs" -> o.useSystemCerts = parseBool(v);
        case "tls_ca_cert" -> o.caCert = str;
        case "tls_ca_cert_file" -> o.caCertFile = str;
        case "tls_ca_cert_env_variable" -> o.caCertEnv = str;
        case "tls_client_cert" -> o.clientCert = str;
        case "tls_client_cert_file" -> o.clientCertFile = str;
        case "tls_client_cert_env_variable" -> o.clientCertEnv = str;
        case "tls_client_key" -> o.clientKey = str;
        case "tls_client_key_file" -> o.clientKeyFile = str;
        case "tls_client_key_env_variable" -> o.clientKeyEnv = str;
        case "tls_server_name" -> o.serverName = str;
        case "headers" -> {
          if (!(v instanceof ObjectValue h)) throw BuiltinException.error("invalid type for headers key");
          o.headers = new TreeMap<>();
          for (int j = 0; j < h.size(); j++) {
            String name = h.keyAt(j) instanceof StringValue s ? s.value() : Json.write(h.keyAt(j));
            o.headers.put(canonicalHeaderKey(name), h.valueAt(j));
          }
        }
        case "tls_insecure_skip_verify" -> o.insecureSkipVerify = parseBool(v);
        case "timeout" -> o.timeout = parseTimeout(v);
        case "force_json_decode" -> o.forceJson = boolField(req, key);
        case "force_yaml_decode" -> o.forceYaml = boolField(req, key);
        case "max_retry_attempts" -> o.retries = retries(v);
        case "force_cache" -> {
          boolField(req, key);
          if (v.equals(BooleanValue.of(true)) && req.get("force_cache_duration_seconds") == null) {
            throw BuiltinException.error("'force_cache' set but 'force_cache_duration_seconds' parameter is missing");
          }
        }
        case "cache" -> boolField(req, key);
        case "caching_mode" -> {
          if (!(v instanceof StringValue s)) throw BuiltinException.error("invalid value for \"caching_mode\" field");
          if (!s.value().equals("serialized") && !s.value().equals("deserialized")) {
            throw BuiltinException.error("invalid value specified for \"caching_mode\" field: " + s.value());
          }
        }
        default -> { }
      }
    }
    return o;
  }

  private static String trimQuotes(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == '"') from++;
    while (to > from && s.charAt(to - 1) == '"') to--;
    return s.substring(from, to);
  }

  /** strconv.ParseBool of the value's Rego text (so "true" as a string is rejected, as in OPA). */
  private static boolean parseBool(Value v) {
    String text = v.toRego();
    return switch (text) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> throw BuiltinException.error("strconv.ParseBool: parsing " + goQuote(text) + ": invalid syntax");
    };
  }

  private static String goQuote(String s) { return Json.quote(s); }

  private static boolean boolField(ObjectValue req, String key) {
    Value v = req.get(key);
    if (v == null) return false;
    if (!(v instanceof BooleanValue b)) throw BuiltinException.error("invalid value for \"" + key + "\" field");
    return b.value();
  }

  private static int retries(Value v) {
    if (v instanceof NumberValue n && n.intValueExact() != null && n.intValueExact() >= 0) return n.intValueExact();
    throw BuiltinException.error("invalid value " + v.toRego() + " for field \"max_retry_attempts\"");
  }

  static Duration parseTimeout(Value v) {
    if (v instanceof NumberValue n) {
      java.math.BigInteger b = n.toBigInteger();
      if (b == null || b.bitLength() > 63) {
        throw BuiltinException.error("invalid timeout number value " + v.toRego() + ", must be int64");
      }
      return Duration.ofNanos(b.longValue());
    }
    if (v instanceof StringValue s) {
      try {
        return Duration.ofNanos(Long.parseLong(s.value()));
      } catch (NumberFormatException e) {
        try {
          return Duration.ofNanos(goDuration(s.value()));
        } catch (IllegalArgumentException ex) {
          throw BuiltinException.error("invalid timeout value " + v.toRego() + ": " + ex.getMessage());
        }
      }
    }
    throw BuiltinException.typeError("operand 1 'timeout' must be one of {string, number} but got " + v.typeName());
  }

  private static final Map<String, Double> UNITS = Map.of("ns", 1d, "us", 1e3, "µs", 1e3, "μs", 1e3, "ms", 1e6,
      "s", 1e9, "m", 60e9, "h", 3600e9);

  private static final java.util.regex.Pattern DURATION_PART =
      java.util.regex.Pattern.compile("([0-9]*(?:\\.[0-9]*)?)([^0-9.]+)");

  /** Go's time.ParseDuration, in nanoseconds. */
  static long goDuration(String s) {
    String orig = s;
    if (s.isEmpty()) throw new IllegalArgumentException("time: invalid duration " + goQuote(orig));
    boolean neg = false;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) return 0;
    if (s.isEmpty()) throw new IllegalArgumentException("time: invalid duration " + goQuote(orig));
    double total = 0;
    java.util.regex.Matcher m = DURATION_PART.matcher(s);
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at || m.group(1).isEmpty() || m.group(1).equals(".")) {
        throw new IllegalArgumentException("time: invalid duration " + goQuote(orig));
      }
      Double unit = UNITS.get(m.group(2));
      if (unit == null) {
        throw new IllegalArgumentException("time: unknown unit " + goQuote(m.group(2)) + " in duration " + goQuote(orig));
      }
      total += Double.parseDouble(m.group(1)) * unit;
      at = m.end();
    }
    if (total > Long.MAX_VALUE) throw new IllegalArgumentException("time: invalid duration " + goQuote(orig));
    return neg ? -(long) total : (long) total;
  }

  /** Go's http.CanonicalHeaderKey. */
  static String canonicalHeaderKey(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean token = c < 127 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
      if (!token) return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    boolean upper = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return sb.toString();
  }

  // ---- execution ------------------------------------------------------------------------------

  private static Value execute(BuiltinContext ctx, ObjectValue req) throws NetworkError {
    Options o = options(ctx, req);
    HttpClient client = client(ctx, o);
    String body = o.rawBody != null ? o.rawBody : o.body != null ? o.body : "";
    String method = o.method.isEmpty() ? "GET" : o.method;
    URI uri;
    try {
      uri = URI.create(o.url);
    } catch (IllegalArgumentException e) {
      throw BuiltinException.error("parse " + goQuote(o.url) + ": " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new NetworkError(urlOp(method), o.url, "unsupported protocol scheme " + goQuote(scheme), false);
    }
    HttpRequest.Builder rb;
    try {
      rb = HttpRequest.newBuilder(uri)
          .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw BuiltinException.error("net/http: invalid method " + goQuote(method));
    }
    if (o.timeout.compareTo(Duration.ZERO) > 0) rb.timeout(o.timeout);
    if (o.headers != null && !o.headers.isEmpty()) {
      for (Map.Entry<String, Value> h : o.headers.entrySet()) {
        if (!(h.getValue() instanceof StringValue s)) {
          throw BuiltinException.error("invalid type for headers value " + goQuote(h.getValue().toRego()));
        }
        if (h.getKey().equals("Host") || h.getKey().equals("Content-Length") || h.getKey().equals("Connection")) {
          continue; // restricted by the JDK client; it derives them from the URL and body
        }
        rb.header(h.getKey(), s.value());
      }
      if (!o.headers.containsKey("User-Agent")) rb.header("User-Agent", "Open Policy Agent/1.20.0 (postee)");
    }
    HttpRequest request = rb.build();
    NetworkError last = null;
    for (int attempt = 0; ; attempt++) {
      ctx.checkLimits();
      try {
        HttpResponse<byte[]> resp = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return response(resp, o.forceJson, o.forceYaml);
      } catch (IOException e) {
        last = networkError(method, o.url, uri, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw BuiltinException.error(urlOp(method) + " " + goQuote(o.url) + ": context canceled");
      }
      if (attempt >= o.retries) throw last;
      try {
        Thread.sleep(backoffMillis(attempt));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw BuiltinException.error("context canceled");
      }
    }
  }

  /** OPA's DefaultBackoff: 100ms growing by 1.6 per retry, at most 60s, with 20% jitter. */
  private static long backoffMillis(int retry) {
    double delay = Math.min(60_000, 100 * Math.pow(1.6, retry));
    double jitter = 1 + 0.2 * (java.util.concurrent.ThreadLocalRandom.current().nextDouble() * 2 - 1);
    return (long) (delay * jitter);
  }

  private static String urlOp(String method) {
    return method.isEmpty() ? "" : method.charAt(0) + method.substring(1).toLowerCase(Locale.ROOT);
  }

  private static NetworkError networkError(String method, String url, URI uri, IOException e) {
    String op = urlOp(method);
    String host = uri.getHost() == null ? "" : uri.getHost();
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
      return new NetworkError(op, url, "context deadline exceeded (Client.Timeout exceeded while awaiting headers)", true);
    }
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof ConnectException) && !(cause instanceof UnknownHostException)) {
      cause = cause.getCause();
    }
    if (cause instanceof UnknownHostException) {
      return new NetworkError(op, url, "dial tcp: lookup " + host + ": no such host", false);
    }
    if (cause instanceof ConnectException) {
      return new NetworkError(op, url, "dial tcp " + host + ":" + port + ": connect: connection refused", false);
    }
    if (cause instanceof javax.net.ssl.SSLException) {
      return new NetworkError(op, url, "tls: " + cause.getMessage(), false);
    }
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new NetworkError(op, url, msg, false);
  }

  private static HttpClient client(BuiltinContext ctx, Options o) {
    boolean tls = o.insecureSkipVerify || !o.caCert.isEmpty() || !o.caCertFile.isEmpty() || !o.caCertEnv.isEmpty()
        || (!o.clientCert.isEmpty() && !o.clientKey.isEmpty())
        || (!o.clientCertFile.isEmpty() && !o.clientKeyFile.isEmpty())
        || (!o.clientCertEnv.isEmpty() && !o.clientKeyEnv.isEmpty())
        || Boolean.FALSE.equals(o.useSystemCerts) || !o.serverName.isEmpty();
    if (!tls && !o.enableRedirect) return ctx.httpClient();
    HttpClient.Builder b = HttpClient.newBuilder()
        .connectTimeout(o.timeout.compareTo(Duration.ZERO) > 0 ? o.timeout : ctx.networkTimeout())
        .followRedirects(o.enableRedirect ? HttpClient.Redirect.ALWAYS : HttpClient.Redirect.NEVER);
    if (tls) {
      b.sslContext(sslContext(o));
      if (!o.serverName.isEmpty()) {
        SSLParameters params = new SSLParameters();
        params.setServerNames(List.of(new SNIHostName(o.serverName)));
        b.sslParameters(params);
      }
    }
    return b.build();
  }

  private static SSLContext sslContext(Options o) {
    try {
      TrustManager[] trust;
      if (o.insecureSkipVerify) {
        trust = new TrustManager[] {new TrustAll()};
      } else {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        boolean noCa = o.caCert.isEmpty() && o.caCertFile.isEmpty() && o.caCertEnv.isEmpty();
        boolean system = o.useSystemCerts == null ? noCa : o.useSystemCerts;
        int n = 0;
        if (system) {
          TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          tmf.init((KeyStore) null);
          for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof javax.net.ssl.X509TrustManager x) {
              for (X509Certificate c : x.getAcceptedIssuers()) store.setCertificateEntry("system-" + n++, c);
            }
          }
        }
        if (!o.caCert.isEmpty()) n = addCertificates(store, o.caCert.replace("\\n", "\n"), n, "could not append certificates");
        if (!o.caCertFile.isEmpty()) {
          String pem;
          try {
            pem = Files.readString(Path.of(o.caCertFile));
          } catch (IOException e) {
            throw BuiltinException.error("open " + o.caCertFile + ": no such file or directory");
          }
          n = addCertificates(store, pem, n, "could not append CA certificates from " + goQuote(o.caCertFile));
        }
        if (!o.caCertEnv.isEmpty()) {
          String env = System.getenv(o.caCertEnv);
          n = addCertificates(store, env == null ? "" : env, n,
              "could not add CA certificates from envvar " + goQuote(o.caCertEnv) + ": could not append certificates");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        trust = tmf.getTrustManagers();
      }
      KeyManagerFactory kmf = null;
      String cert = null;
      String key = null;
      if (!o.clientCert.isEmpty() && !o.clientKey.isEmpty()) {
        cert = o.clientCert;
        key = o.clientKey;
      } else if (!o.clientCertFile.isEmpty() && !o.clientKeyFile.isEmpty()) {
        try {
          cert = Files.readString(Path.of(o.clientCertFile));
          key = Files.readString(Path.of(o.clientKeyFile));
        } catch (IOException e) {
          throw BuiltinException.error("open " + o.clientCertFile + ": no such file or directory");
        }
      } else if (!o.clientCertEnv.isEmpty() && !o.clientKeyEnv.isEmpty()) {
        cert = String.valueOf(System.getenv(o.clientCertEnv));
        key = String.valueOf(System.getenv(o.clientKeyEnv));
      }
      if (cert != null) kmf = keyManager(cert, key);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf == null ? null : kmf.getKeyManagers(), trust, null);
      return ssl;
    } catch (BuiltinException e) {
      throw e;
    } catch (Exception e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  private static int addCertificates(KeyStore store, String pem, int n, String failure) throws Exception {
    int added = 0;
    byte[] rest = pem.getBytes(StandardCharsets.UTF_8);
    while (true) {
      Pem.Block block = Pem.decode(rest);
      if (block == null) break;
      rest = block.rest();
      if (!block.type().equals("CERTIFICATE") || !block.headers().isEmpty()) continue;
      try {
        store.setCertificateEntry("ca-" + (n + added), Keys.certificate(block.bytes()));
        added++;
      } catch (Keys.KeyException e) {
        // AppendCertsFromPEM skips certificates it cannot parse
      }
    }
    if (added == 0) throw BuiltinException.error(failure);
    return n + added;
  }

  private static KeyManagerFactory keyManager(String certPem, String keyPem) throws Exception {
    List<java.security.cert.Certificate> chain = new ArrayList<>();
    byte[] rest = certPem.getBytes(StandardCharsets.UTF_8);
    while (true) {
      Pem.Block block = Pem.decode(rest);
      if (block == null) break;
      rest = block.rest();
      if (block.type().equals("CERTIFICATE")) chain.add(Keys.certificate(block.bytes()));
    }
    if (chain.isEmpty()) throw BuiltinException.error("tls: failed to find any PEM data in certificate input");
    java.security.PrivateKey key = null;
    rest = keyPem.getBytes(StandardCharsets.UTF_8);
    while (key == null) {
      Pem.Block block = Pem.decode(rest);
      if (block == null) throw BuiltinException.error("tls: failed to find any PEM data in key input");
      rest = block.rest();
      Object parsed = switch (block.type()) {
        case "RSA PRIVATE KEY" -> Keys.pkcs1PrivateKey(block.bytes());
        case "EC PRIVATE KEY" -> Keys.ecPrivateKey(block.bytes());
        case "PRIVATE KEY" -> Keys.pkcs8PrivateKey(block.bytes());
        default -> null;
      };
      if (parsed instanceof java.security.PrivateKey pk) key = pk;
      else if (parsed != null) throw BuiltinException.error("tls: unsupported private key type for client certificates");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("client", key, new char[0], chain.toArray(new java.security.cert.Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    return kmf;
  }

  /** tls_insecure_skip_verify: accept any server certificate and name. */
  private static final class TrustAll extends javax.net.ssl.X509ExtendedTrustManager {
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine e) {}
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine e) {}
    @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
  }

  // ---- response -------------------------------------------------------------------------------

  private static Value response(HttpResponse<byte[]> resp, boolean forceJson, boolean forceYaml) {
    byte[] raw = resp.body() == null ? new byte[0] : resp.body();
    ObjectValue.Builder headers = ObjectValue.builder();
    String contentType = "";
    for (Map.Entry<String, List<String>> h : new TreeMap<>(resp.headers().map()).entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith(":") || name.equals("transfer-encoding")) continue;
      List<Value> values = new ArrayList<>();
      for (String v : h.getValue()) values.add(StringValue.of(v));
      Value previous = headers.get(StringValue.of(name));
      if (previous instanceof ArrayValue p) {
        List<Value> merged = new ArrayList<>(p.asList());
        merged.addAll(values);
        values = merged;
      }
      headers.put(name, ArrayValue.of(values));
      if (name.equals("content-type") && !h.getValue().isEmpty()) contentType = h.getValue().get(0);
    }
    Value body = NullValue.INSTANCE;
    if (forceJson || isJsonType(contentType)) {
      try {
        body = Json.parse(raw);
      } catch (RuntimeException e) {
        body = NullValue.INSTANCE;
      }
    } else if (forceYaml || contentType.contains("application/yaml") || contentType.contains("application/x-yaml")) {
      body = yaml(new String(raw, StandardCharsets.UTF_8));
    }
    int code = resp.statusCode();
    return ObjectValue.builder()
        .put("status", StringValue.of(statusText(code).isEmpty() ? String.valueOf(code) : code + " " + statusText(code)))
        .put("status_code", NumberValue.of(code))
        .put("body", body)
        .put("raw_body", StringValue.of(new String(raw, StandardCharsets.UTF_8)))
        .put("headers", headers.build())
        .build();
  }

  /** mime.ParseMediaType + "application/json" or "application/*+json". */
  private static boolean isJsonType(String contentType) {
    String t = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    String[] parts = t.split("/", -1);
    if (parts.length != 2 || !parts[0].equals("application")) return false;
    return parts[1].equals("json") || parts[1].endsWith("+json");
  }

  private static Value yaml(String text) {
    try {
      Object doc = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
          new org.yaml.snakeyaml.LoaderOptions())).load(text);
      return fromYaml(doc);
    } catch (RuntimeException e) {
      return NullValue.INSTANCE;
    }
  }

  private static Value fromYaml(Object o) {
    if (o == null) return NullValue.INSTANCE;
    if (o instanceof Boolean b) return BooleanValue.of(b);
    if (o instanceof Integer || o instanceof Long) return NumberValue.of(((Number) o).longValue());
    if (o instanceof java.math.BigInteger b) return NumberValue.of(b);
    if (o instanceof Double || o instanceof Float) return NumberValue.of(((Number) o).doubleValue());
    if (o instanceof String s) return StringValue.of(s);
    if (o instanceof List<?> l) {
      List<Value> out = new ArrayList<>();
      for (Object e : l) out.add(fromYaml(e));
      return ArrayValue.of(out);
    }
    if (o instanceof Map<?, ?> m) {
      ObjectValue.Builder b = ObjectValue.builder();
      for (Map.Entry<?, ?> e : m.entrySet()) b.put(String.valueOf(e.getKey()), fromYaml(e.getValue()));
      return b.build();
    }
    return StringValue.of(String.valueOf(o));
  }

  /** Go's http.StatusText, which Go uses when a response carries no reason phrase. */
  private static String statusText(int code) {
    return switch (code) {
      case 100 -> "Continue";
      case 101 -> "Switching Protocols";
      case 102 -> "Processing";
      case 103 -> "Early Hints";
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 203 -> "Non-Authoritative Information";
      case 204 -> "No Content";
      case 205 -> "Reset Content";
      case 206 -> "Partial Content";
      case 207 -> "Multi-Status";
      case 208 -> "Already Reported";
      case 226 -> "IM Used";
      case 300 -> "Multiple Choices";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 304 -> "Not Modified";
      case 305 -> "Use Proxy";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 402 -> "Payment Required";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 407 -> "Proxy Authentication Required";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 411 -> "Length Required";
      case 412 -> "Precondition Failed";
      case 413 -> "Request Entity Too Large";
      case 414 -> "Request URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 416 -> "Requested Range Not Satisfiable";
      case 417 -> "Expectation Failed";
      case 418 -> "I'm a teapot";
      case 421 -> "Misdirected Request";
      case 422 -> "Unprocessable Entity";
      case 423 -> "Locked";
      case 424 -> "Failed Dependency";
      case 425 -> "Too Early";
      case 426 -> "Upgrade Required";
      case 428 -> "Precondition Required";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 451 -> "Unavailable For Legal Reasons";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      case 506 -> "Variant Also Negotiates";
      case 507 -> "Insufficient Storage";
      case 508 -> "Loop Detected";
      case 510 -> "Not Extended";
      case 511 -> "Network Authentication Required";
      default -> "";
    };
  }
}
