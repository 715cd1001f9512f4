package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** http.send against a real HTTP server on 127.0.0.1. */
class HttpBuiltinsTest {
  private static HttpServer server;
  private static String base;
  private static final AtomicInteger counted = new AtomicInteger();

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/json", ex -> reply(ex, 200, "application/json; charset=utf-8", "{\"a\": [1, 2.5, \"x\"]}"));
    server.createContext("/text", ex -> reply(ex, 200, "text/plain", "{\"b\": true}"));
    server.createContext("/yaml", ex -> reply(ex, 200, "application/yaml", "a: 1\nb: [x, y]\n"));
    server.createContext("/echo", ex -> {
      ObjectValue.Builder headers = ObjectValue.builder();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), StringValue.of(String.join(",", v))));
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      reply(ex, 201, "application/json", Json.write(ObjectValue.ofStrings("method",
          StringValue.of(ex.getRequestMethod()), "body", StringValue.of(body), "headers", headers.build())));
    });
    server.createContext("/redirect", ex -> {
      ex.getResponseHeaders().add("Location", "/json");
      reply(ex, 302, "text/plain", "");
    });
    server.createContext("/slow", ex -> {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply(ex, 200, "text/plain", "late");
    });
    server.createContext("/count", ex -> reply(ex, 200, "text/plain", String.valueOf(counted.incrementAndGet())));
    server.createContext("/missing", ex -> reply(ex, 404, "text/plain", "nope"));
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterAll
  static void stop() { server.stop(0); }

  private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.getResponseHeaders().add("X-Multi", "one");
    ex.getResponseHeaders().add("X-Multi", "two");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static ObjectValue send(BuiltinContext ctx, Object... kv) {
    return (ObjectValue) BuiltinRegistry.standard().lookup("http.send").function()
        .call(ctx, new Value[] {ObjectValue.ofStrings(kv)});
  }

  private static ObjectValue send(Object... kv) { return send(new DefaultBuiltinContext(), kv); }

  private static StringValue s(String v) { return StringValue.of(v); }

  @Test
  void getDecodesJsonAndReportsStatusAndHeaders() {
    ObjectValue r = send("method", s("get"), "url", s(base + "/json"));
    assertThat(r.get("status")).isEqualTo(s("200 OK"));
    assertThat(r.get("status_code")).isEqualTo(NumberValue.of(200));
    assertThat(r.get("body")).isEqualTo(Json.parse("{\"a\": [1, 2.5, \"x\"]}"));
    assertThat(r.get("raw_body")).isEqualTo(s("{\"a\": [1, 2.5, \"x\"]}"));
    ObjectValue headers = (ObjectValue) r.get("headers");
    assertThat(headers.get("content-type")).isEqualTo(ArrayValue.of(s("application/json; charset=utf-8")));
    assertThat(headers.get("x-multi")).isEqualTo(ArrayValue.of(s("one"), s("two")));
  }

  @Test
  void bodyOnlyDecodedForJsonUnlessForced() {
    assertThat(send("method", s("GET"), "url", s(base + "/text")).get("body")).isEqualTo(NullValue.INSTANCE);
    assertThat(send("method", s("GET"), "url", s(base + "/text"), "force_json_decode", BooleanValue.of(true))
        .get("body")).isEqualTo(Json.parse("{\"b\": true}"));
    assertThat(send("method", s("GET"), "url", s(base + "/yaml")).get("body"))
        .isEqualTo(Json.parse("{\"a\": 1, \"b\": [\"x\", \"y\"]}"));
  }

  @Test
  void postsJsonBodyAndCanonicalHeaders() {
    ObjectValue r = send("method", s("post"), "url", s(base + "/echo"),
        "body", ObjectValue.ofStrings("k", s("<v>")), "headers", ObjectValue.ofStrings("x-custom-thing", s("1")));
    ObjectValue echoed = (ObjectValue) r.get("body");
    assertThat(r.get("status")).isEqualTo(s("201 Created"));
    assertThat(echoed.get("method")).isEqualTo(s("POST"));
    assertThat(echoed.get("body")).isEqualTo(s("{\"k\":\"\\u003cv\\u003e\"}"));
    ObjectValue headers = (ObjectValue) echoed.get("headers");
    assertThat(headers.get("x-custom-thing")).isEqualTo(s("1"));
    assertThat(((StringValue) headers.get("user-agent")).value()).startsWith("Open Policy Agent/");
  }

  @Test
  void rawBodyWinsOverBody() {
    ObjectValue r = send("method", s("PUT"), "url", s(base + "/echo"), "body", ObjectValue.EMPTY,
        "raw_body", s("raw text"));
    assertThat(((ObjectValue) r.get("body")).get("body")).isEqualTo(s("raw text"));
  }

  @Test
  void redirectsOnlyFollowedWhenEnabled() {
    ObjectValue r = send("method", s("GET"), "url", s(base + "/redirect"));
    assertThat(r.get("status_code")).isEqualTo(NumberValue.of(302));
    assertThat(r.get("status")).isEqualTo(s("302 Found"));
    ObjectValue followed = send("method", s("GET"), "url", s(base + "/redirect"),
        "enable_redirect", BooleanValue.of(true));
    assertThat(followed.get("status_code")).isEqualTo(NumberValue.of(200));
  }

  @Test
  void timeoutRaisesOrReportsNetworkError() {
    String url = base + "/slow";
    assertThatThrownBy(() -> send("method", s("GET"), "url", s(url), "timeout", s("200ms")))
        .isInstanceOf(BuiltinException.class)
        .hasMessage("Get " + url + ": request timed out")
        .extracting(e -> ((BuiltinException) e).code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
    ObjectValue r = send("method", s("GET"), "url", s(url), "timeout", NumberValue.of(200_000_000L),
        "raise_error", BooleanValue.of(false));
    assertThat(r.get("status_code")).isEqualTo(NumberValue.of(0));
    ObjectValue error = (ObjectValue) r.get("error");
    assertThat(error.get("code")).isEqualTo(s("eval_http_send_network_error"));
    assertThat(((StringValue) error.get("message")).value()).startsWith("Get \"" + url + "\": ");
  }

  @Test
  void connectionRefusedWithoutRaisingErrors() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/";
    ObjectValue r = send("method", s("GET"), "url", s(url), "raise_error", BooleanValue.of(false));
    assertThat(r).isEqualTo(ObjectValue.ofStrings("status_code", NumberValue.of(0), "error", ObjectValue.ofStrings(
        "code", s("eval_http_send_network_error"),
        "message", s("Get \"" + url + "\": dial tcp 127.0.0.1:" + port + ": connect: connection refused"))));
    assertThatThrownBy(() -> send("method", s("GET"), "url", s(url)))
        .hasMessage("Get \"" + url + "\": dial tcp 127.0.0.1:" + port + ": connect: connection refused");
  }

  @Test
  void invalidAndMissingKeysAreTypeErrors() {
    assertThatThrownBy(() -> send("bad_key", s("bad_value"), "method", s("get"), "url", s("http://127.0.0.1:51113")))
        .hasMessage("operand 1 invalid request parameters(s): {\"bad_key\"}")
        .extracting(e -> ((BuiltinException) e).code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThatThrownBy(() -> send("method", s("get")))
        .hasMessage("operand 1 missing required request parameters(s): {\"url\"}");
    ObjectValue r = send("method", s("get"), "raise_error", BooleanValue.of(false));
    assertThat(r.get("status_code")).isEqualTo(NumberValue.of(0));
    assertThat(((ObjectValue) r.get("error")).get("code")).isEqualTo(s("eval_http_send_internal_error"));
    assertThat(((ObjectValue) r.get("error")).get("message")).isEqualTo(
        s("eval_type_error: http.send: operand 1 missing required request parameters(s): {\"url\"}"));
  }

  @Test
  void optionValidation() {
    assertThatThrownBy(() -> send("method", NumberValue.of(1), "url", s(base + "/json")))
        .hasMessage("\"method\" must be a string");
    assertThatThrownBy(() -> send("method", s("GET"), "url", s(base + "/json"), "timeout", s("soon")))
        .hasMessage("invalid timeout value \"soon\": time: invalid duration \"soon\"");
    assertThatThrownBy(() -> send("method", s("GET"), "url", s(base + "/json"), "timeout", BooleanValue.of(true)))
        .hasMessage("operand 1 'timeout' must be one of {string, number} but got boolean");
    assertThatThrownBy(() -> send("method", s("GET"), "url", s(base + "/json"), "enable_redirect", s("true")))
        .hasMessage("strconv.ParseBool: parsing \"\\\"true\\\"\": invalid syntax");
    assertThatThrownBy(() -> send("method", s("GET"), "url", s(base + "/json"), "raise_error", s("no")))
        .hasMessage("invalid value for raise_error field");
    assertThatThrownBy(() -> send("method", s("GET"), "url", s(base + "/json"), "headers", s("x")))
        .hasMessage("invalid type for headers key");
  }

  @Test
  void responsesAreStableWithinOneEvaluation() {
    DefaultBuiltinContext ctx = new DefaultBuiltinContext();
    ObjectValue first = send(ctx, "method", s("GET"), "url", s(base + "/count"));
    ObjectValue second = send(ctx, "method", s("GET"), "url", s(base + "/count"));
    assertThat(second).isEqualTo(first);
    ObjectValue other = send(new DefaultBuiltinContext(), "method", s("GET"), "url", s(base + "/count"));
    assertThat(other.get("raw_body")).isNotEqualTo(first.get("raw_body"));
  }

  @Test
  void notFoundIsAResponseNotAnError() {
    ObjectValue r = send("method", s("GET"), "url", s(base + "/missing"));
    assertThat(r.get("status")).isEqualTo(s("404 Not Found"));
    assertThat(r.get("raw_body")).isEqualTo(s("nope"));
  }

  @Test
  void goDurations() {
    assertThat(HttpBuiltins.goDuration("1h2m3.5s")).isEqualTo(3_723_500_000_000L);
    assertThat(HttpBuiltins.goDuration("250ms")).isEqualTo(250_000_000L);
    assertThat(HttpBuiltins.canonicalHeaderKey("x-amz-DATE")).isEqualTo("X-Amz-Date");
  }
}
