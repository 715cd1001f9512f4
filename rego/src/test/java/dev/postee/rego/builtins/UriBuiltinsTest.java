package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class UriBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static StringValue s(String v) { return StringValue.of(v); }

  private static ObjectValue obj(String... kv) {
    Object[] pairs = new Object[kv.length];
    for (int i = 0; i < kv.length; i++) pairs[i] = i % 2 == 0 ? kv[i] : s(kv[i]);
    return ObjectValue.ofStrings(pairs);
  }

  private static Value parse(String uri) { return call("uri.parse", s(uri)); }

  private static boolean valid(String uri) { return call("uri.is_valid", s(uri)) == BooleanValue.TRUE; }

  private static void assertParseError(String uri, String message) {
    assertThatThrownBy(() -> parse(uri)).isInstanceOfSatisfying(BuiltinException.class, e -> {
      assertThat(e.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
      assertThat(e.getMessage()).isEqualTo(message);
    });
    assertThat(valid(uri)).isFalse();
  }

  @Test
  void parsesComponents() {
    assertThat(parse("https://example.com:8080/api?q=1#top")).isEqualTo(obj("scheme", "https", "hostname", "example.com",
        "port", "8080", "path", "/api", "raw_path", "/api", "raw_query", "q=1", "fragment", "top"));
    assertThat(parse("https://example.com/path"))
        .isEqualTo(obj("scheme", "https", "hostname", "example.com", "path", "/path", "raw_path", "/path"));
    assertThat(parse("https://example.com?q=1#frag"))
        .isEqualTo(obj("scheme", "https", "hostname", "example.com", "raw_query", "q=1", "fragment", "frag"));
    assertThat(parse("http://[::1]:8080/path"))
        .isEqualTo(obj("scheme", "http", "hostname", "::1", "port", "8080", "path", "/path", "raw_path", "/path"));
    assertThat(parse("")).isEqualTo(ObjectValue.EMPTY);
    assertThat(parse("mailto:user@example.com")).isEqualTo(obj("scheme", "mailto"));
    assertThat(parse("HTTP://user:pw@Example.com/a#b%20c")).isEqualTo(obj("scheme", "http", "hostname", "Example.com",
        "path", "/a", "raw_path", "/a", "fragment", "b c"));
    assertThat(parse("/relative/path?x")).isEqualTo(obj("path", "/relative/path", "raw_path", "/relative/path",
        "raw_query", "x"));
  }

  @Test
  void rawPathKeepsOnlyNonDefaultEncodings() {
    assertThat(parse("https://example.com/path%2Fwith%2Fslashes")).isEqualTo(obj("scheme", "https",
        "hostname", "example.com", "path", "/path/with/slashes", "raw_path", "/path%2Fwith%2Fslashes"));
    for (String[] c : new String[][] {{"%21", "!"}, {"%27", "'"}, {"%2A", "*"}, {"%28b%29", "(b)"}}) {
      assertThat(parse("https://example.com/a" + c[0])).isEqualTo(obj("scheme", "https", "hostname", "example.com",
          "path", "/a" + c[1], "raw_path", "/a" + c[1]));
    }
    assertThat(parse("https://example.com/caf%C3%A9")).isEqualTo(obj("scheme", "https", "hostname", "example.com",
        "path", "/café", "raw_path", "/café"));
  }

  @Test
  void hostRules() {
    assertThat(parse("http://foo]bar/"))
        .isEqualTo(obj("scheme", "http", "hostname", "foo]bar", "path", "/", "raw_path", "/"));
    assertThat(valid("http://foo]bar/")).isTrue();
    assertParseError("http://exa%6dple.com/", "parse \"http://exa%6dple.com/\": invalid URL escape \"%6d\"");
    assertParseError("http://a<b@example.com/", "parse \"http://a<b@example.com/\": net/url: invalid userinfo");
    assertParseError("http://user name@example.com/", "parse \"http://user name@example.com/\": net/url: invalid userinfo");
    assertParseError("http://example.com:٣٤/", "parse \"http://example.com:٣٤/\": invalid port \":٣٤\" after host");
    assertParseError("http://[invalid", "parse \"http://[invalid\": missing ']' in host");
    assertParseError("https://[1.2.3.4]/", "parse \"https://[1.2.3.4]/\": invalid IP-literal");
    assertParseError("https://[v1.x]/",
        "parse \"https://[v1.x]/\": invalid host: ParseAddr(\"v1.x\"): unexpected character (at \"v1.x\")");
    assertParseError("https://a{b}/", "parse \"https://a{b}/\": invalid character \"{\" in host name");
    assertParseError("://x", "parse \"://x\": missing protocol scheme");
    assertParseError("1a:b/x", "parse \"1a:b/x\": first path segment in URL cannot contain colon");
    assertParseError("https://example.com/%zé", "parse \"https://example.com/%zé\": invalid URL escape \"%z\\xc3\"");
    assertParseError("http://x/\n", "parse \"http://x/\\n\": net/url: invalid control character in URL");
    assertParseError("http://x/#%zz", "parse \"http://x/#%zz\": invalid URL escape \"%zz\"");
  }

  @Test
  void isValid() {
    assertThat(valid("https://example.com/path?q=1")).isTrue();
    assertThat(valid("")).isFalse();
    assertThat(valid("http://[invalid")).isFalse();
    assertThat(valid("http://[fe80::1%25en0]:80/")).isTrue();
    assertThat(valid("relative/path")).isTrue();
  }
}
