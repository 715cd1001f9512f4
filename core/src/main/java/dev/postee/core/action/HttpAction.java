package dev.postee.core.action;

import dev.postee.core.http.Http11Client;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code http}: sends a request with a configured method, headers and body. The rendered result
 * travels base64-encoded in the {@code Postee-Event} header; {@code event.input.<path>} references
 * in {@code body-content} are replaced by values of the event. A {@code body-file} is sent as it is
 * on disk, read at each attempt, as Postee did.
 */
public final class HttpAction implements Action {
  public static final String TYPE = "http";
  /** Postee's default http action timeout. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final String EVENT_HEADER = "Postee-Event";

  /** Headers the JDK client sets itself and refuses to take from callers. */
  private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final String name;
  private final URI url;
  private final String method;
  private final Map<String, List<String>> headers;
  private final String bodyContent;
  private final Path bodyFile;
  private final Duration timeout;
  private final Http11Client client;
  private final Clock clock;
  private final Redactor redactor;
  private final String what;

  public HttpAction(ActionSpec spec, ActionEnvironment env) {
    this.name = spec.name();
    this.url = HttpCall.requiredUrl(spec, "url");
    this.method = method(spec);
    this.headers = headers(spec);
    this.bodyContent = spec.text("body-content").orElse(null);
    String file = spec.text("body-file").orElse(null);
    if (file != null && bodyContent != null) {
      throw spec.configError("body-file", "cannot be used together with body-content; keep one of them");
    }
    this.bodyFile = file == null ? null : path(spec, file);
    this.timeout = spec.timeoutOr(DEFAULT_TIMEOUT);
    this.client = env.httpClient();
    this.clock = env.clock();
    List<String> secrets = new ArrayList<>(Redactor.secretsOf(url));
    headers.values().forEach(secrets::addAll);
    this.redactor = new Redactor(secrets);
    this.what = "http " + method + " to " + Redactor.describe(url);
  }

  private static String method(ActionSpec spec) {
    String m = spec.requiredText("method").trim().toUpperCase(Locale.ROOT);
    if (!m.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0))) {
      throw spec.configError("method", "is not an HTTP method name; use GET, POST, PUT, PATCH, DELETE, ...");
    }
    if (m.equals("CONNECT")) {
      throw spec.configError("method", "CONNECT is not supported (it opens a tunnel, not a request)");
    }
    return m;
  }

  private static Map<String, List<String>> headers(ActionSpec spec) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    spec.settings().stringListMap("headers").forEach((header, values) -> {
      if (RESTRICTED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
        throw spec.configError("headers", "header \"" + header + "\" is set by the HTTP client itself and cannot be configured");
      }
      for (String value : values) {
        try {
          Http11Client.checkHeader(header, value);
        } catch (IllegalArgumentException invalid) {
          // The JDK's message may quote the value; it may be a credential.
          throw spec.configError("headers", "header \"" + header.replaceAll("[^\\x21-\\x7e]", "?")
              + "\" has an invalid name or a value with control characters (such as a line break)");
        }
      }
      out.put(header, List.copyOf(values));
    });
    return Map.copyOf(out);
  }

  private static Path path(ActionSpec spec, String file) {
    try {
      return Path.of(file);
    } catch (InvalidPathException e) {
      throw spec.configError("body-file", "is not a valid file path: " + e.getReason());
    }
  }

  @Override public String name() { return name; }

  @Override public String type() { return TYPE; }

  @Override public Duration timeout() { return timeout; }

  @Override
  public ActionResult execute(ActionRequest request) throws InterruptedException {
    List<Http11Client.Header> list = new ArrayList<>(headers.size() + 4);
    // Base64, because a rendered message may hold line breaks and non-ASCII, which headers cannot.
    list.add(new Http11Client.Header(EVENT_HEADER,
        Base64.getEncoder().encodeToString(request.message().result().getBytes(StandardCharsets.UTF_8))));
    headers.forEach((header, values) -> values.forEach(v -> list.add(new Http11Client.Header(header, v))));
    HttpCall.identify(list, request);
    if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Authorization"))) {
      HttpCall.basicAuthorization(url).ifPresent(auth -> list.add(new Http11Client.Header("Authorization", auth)));
    }
    Http11Client.Body body;
    if (bodyContent != null) {
      body = Http11Client.Body.of(EventInput.substitute(bodyContent, EventInput.source(request)));
    } else if (bodyFile != null) {
      if (!Files.isRegularFile(bodyFile) || !Files.isReadable(bodyFile)) {
        return ActionResult.failed("body-file " + bodyFile + " does not exist or is not a readable file");
      }
      body = Http11Client.Body.ofFile(bodyFile);
    } else {
      body = null;
    }
    return HttpCall.send(client, new Http11Client.Request(method, url, list, body), request.deadline(), clock, what,
        redactor);
  }
}
