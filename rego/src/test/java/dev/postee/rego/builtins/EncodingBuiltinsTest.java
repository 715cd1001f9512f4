package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class EncodingBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static StringValue s(String v) { return StringValue.of(v); }

  private static void assertError(String code, String message, String name, Value... args) {
    assertThatThrownBy(() -> call(name, args))
        .isInstanceOfSatisfying(BuiltinException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  @Test
  void base64RoundTrips() {
    assertThat(call("base64.encode", s("hello"))).isEqualTo(s("aGVsbG8="));
    assertThat(call("base64.encode", s("subjects?_d"))).isEqualTo(s("c3ViamVjdHM/X2Q="));
    assertThat(call("base64.decode", s("c3ViamVjdHM/X2Q="))).isEqualTo(s("subjects?_d"));
    assertThat(call("base64.encode", s("héllo 😀"))).isEqualTo(s("aMOpbGxvIPCfmIA="));
    assertThat(call("base64.decode", s("aMOpbGxvIPCfmIA="))).isEqualTo(s("héllo 😀"));
    assertThat(call("base64.decode", s(""))).isEqualTo(s(""));
  }

  @Test
  void decodedInvalidUtf8CountsOneRunePerByteAsInGo() {
    assertThat(call("base64.decode", s("4oJh"))).isEqualTo(s("\ufffd\ufffda"));
    StringValue decoded = (StringValue) call("base64.decode", s("2E84ZuPUd7zfvCZSNEchVpDEIj6PL7JfLpIqyxVG16k="));
    assertThat(decoded.codePointLength()).isEqualTo(30);
    assertThat(call("hex.decode", s("ff41"))).isEqualTo(s("\ufffdA"));
  }

  @Test
  void base64DecodeSkipsNewlinesLikeGo() {
    assertThat(call("base64.decode", s("aGVs\nbG8=\r\n"))).isEqualTo(s("hello"));
  }

  @Test
  void base64DecodeErrorsNameTheByteOffset() {
    assertError(BuiltinException.BUILTIN_ERROR, "illegal base64 data at input byte 0", "base64.decode", s("{'not':'base64'}"));
    assertError(BuiltinException.BUILTIN_ERROR, "illegal base64 data at input byte 4", "base64.decode", s("aGVsbG8"));
    assertError(BuiltinException.BUILTIN_ERROR, "illegal base64 data at input byte 8", "base64.decode", s("aGVsbG8=x"));
    assertError(BuiltinException.BUILTIN_ERROR, "illegal base64 data at input byte 1", "base64.decode", s("a==="));
    assertError(BuiltinException.BUILTIN_ERROR, "illegal base64 data at input byte 4", "base64.decode", s("aGk="
        .substring(0, 3) + "=="));
  }

  @Test
  void base64IsValid() {
    assertThat(call("base64.is_valid", s("aGVsbG8="))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("base64.is_valid", s("{'not':'base64'}"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("base64.is_valid", s("aGVsbG8"))).isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void base64UrlEncodesAndDecodesWithOrWithoutPadding() {
    assertThat(call("base64url.encode", s("subjects?_d"))).isEqualTo(s("c3ViamVjdHM_X2Q="));
    assertThat(call("base64url.encode_no_pad", s("subjects?_d"))).isEqualTo(s("c3ViamVjdHM_X2Q"));
    assertThat(call("base64url.decode", s("c3ViamVjdHM_X2Q="))).isEqualTo(s("subjects?_d"));
    assertThat(call("base64url.decode", s("c3ViamVjdHM_X2Q"))).isEqualTo(s("subjects?_d"));
    assertThat(call("base64url.decode", s("aGk"))).isEqualTo(s("hi"));
    assertError(BuiltinException.BUILTIN_ERROR, "illegal base64url string: aGVsb", "base64url.decode", s("aGVsb"));
    assertError(BuiltinException.BUILTIN_ERROR, "illegal base64 data at input byte 2", "base64url.decode", s("aG/k"));
  }

  @Test
  void hexEncodesBytesAndDecodesWithGoErrors() {
    assertThat(call("hex.encode", s("lorem ipsum"))).isEqualTo(s("6c6f72656d20697073756d"));
    assertThat(call("hex.encode", s("é"))).isEqualTo(s("c3a9"));
    assertThat(call("hex.decode", s("6c6f72656D20697073756d"))).isEqualTo(s("lorem ipsum"));
    assertError(BuiltinException.BUILTIN_ERROR, "encoding/hex: invalid byte: U+0067 'g'", "hex.decode", s("fghijkl"));
    assertError(BuiltinException.BUILTIN_ERROR, "encoding/hex: odd length hex string", "hex.decode", s("abc"));
    assertError(BuiltinException.BUILTIN_ERROR, "encoding/hex: invalid byte: U+007A 'z'", "hex.decode", s("abz"));
    assertError(BuiltinException.BUILTIN_ERROR, "encoding/hex: invalid byte: U+000A", "hex.decode", s("a\n"));
  }

  @Test
  void urlQueryEscapesAsGo() {
    assertThat(call("urlquery.encode", s("a=b+1"))).isEqualTo(s("a%3Db%2B1"));
    assertThat(call("urlquery.encode", s(""))).isEqualTo(s(""));
    assertThat(call("urlquery.encode", s("a b~c/é"))).isEqualTo(s("a+b~c%2F%C3%A9"));
    assertThat(call("urlquery.decode", s("a%3Db%2B1"))).isEqualTo(s("a=b+1"));
    assertThat(call("urlquery.decode", s("a+b%C3%A9"))).isEqualTo(s("a bé"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid URL escape \"%zz\"", "urlquery.decode", s("a%zz"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid URL escape \"%4\"", "urlquery.decode", s("%4"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid URL escape \"%z\\xc3\"", "urlquery.decode", s("%zé"));
  }

  @Test
  void encodeObjectSortsKeysAndRepeatsValues() {
    assertThat(call("urlquery.encode_object", ObjectValue.EMPTY)).isEqualTo(s(""));
    assertThat(call("urlquery.encode_object", ObjectValue.ofStrings("c", s("d"), "a", s("b")))).isEqualTo(s("a=b&c=d"));
    assertThat(call("urlquery.encode_object", ObjectValue.ofStrings("a", s("c=b+1")))).isEqualTo(s("a=c%3Db%2B1"));
    assertThat(call("urlquery.encode_object", ObjectValue.ofStrings("a", ArrayValue.of(s("b+1"), s("c+2")))))
        .isEqualTo(s("a=b%2B1&a=c%2B2"));
    assertThat(call("urlquery.encode_object", ObjectValue.ofStrings("a", SetValue.of(s("b+1")), "e", ArrayValue.EMPTY)))
        .isEqualTo(s("a=b%2B1"));
    assertError(BuiltinException.TYPE_ERROR, "operand 1 values must be string, array[string], or set[string]",
        "urlquery.encode_object", ObjectValue.ofStrings("a", NumberValue.of(1)));
    assertError(BuiltinException.TYPE_ERROR, "operand 1 values must be string, array[string], or set[string]",
        "urlquery.encode_object", ObjectValue.ofStrings("a", ArrayValue.of(NumberValue.of(1))));
  }

  @Test
  void decodeObjectCollectsRepeatedKeys() {
    assertThat(call("urlquery.decode_object", s("a=value_a1&b=value_b&a=value_a2")))
        .isEqualTo(ObjectValue.ofStrings("a", ArrayValue.of(s("value_a1"), s("value_a2")), "b", ArrayValue.of(s("value_b"))));
    assertThat(call("urlquery.decode_object", s("a=value_a1&b")))
        .isEqualTo(ObjectValue.ofStrings("a", ArrayValue.of(s("value_a1")), "b", ArrayValue.of(s(""))));
    assertThat(call("urlquery.decode_object", s(""))).isEqualTo(ObjectValue.EMPTY);
    assertThat(call("urlquery.decode_object", s("&&x+y=1%2B1"))).isEqualTo(ObjectValue.ofStrings("x y", ArrayValue.of(s("1+1"))));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid semicolon separator in query", "urlquery.decode_object", s("a=1;b=2"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid URL escape \"%g\"", "urlquery.decode_object", s("a=%g"));
  }
}
