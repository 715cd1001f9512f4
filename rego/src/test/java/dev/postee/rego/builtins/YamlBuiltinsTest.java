package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class YamlBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static StringValue s(String v) { return StringValue.of(v); }

  private static NumberValue n(long v) { return NumberValue.of(v); }

  private static String marshal(Value v) { return ((StringValue) call("yaml.marshal", v)).value(); }

  private static Value unmarshal(String text) { return call("yaml.unmarshal", s(text)); }

  private static void assertUnmarshalError(String text, String message) {
    assertThatThrownBy(() -> unmarshal(text)).isInstanceOfSatisfying(BuiltinException.class, e -> {
      assertThat(e.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
      assertThat(e.getMessage()).isEqualTo(message);
    });
    assertThat(call("yaml.is_valid", s(text))).isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void marshalUsesGoYamlBlockLayout() {
    Value doc = ArrayValue.of(ObjectValue.ofStrings("foo", SetValue.of(n(1), n(2), n(3))));
    assertThat(marshal(doc)).isEqualTo("- foo:\n  - 1\n  - 2\n  - 3\n");
    assertThat(marshal(ObjectValue.ofStrings("a", s("b"), "c", ArrayValue.of(n(1), s("x")),
        "d", ObjectValue.ofStrings("e", ArrayValue.of(ArrayValue.of(n(1), n(2)))))))
        .isEqualTo("a: b\nc:\n- 1\n- x\nd:\n  e:\n  - - 1\n    - 2\n");
    assertThat(marshal(ObjectValue.EMPTY)).isEqualTo("{}\n");
    assertThat(marshal(ArrayValue.EMPTY)).isEqualTo("[]\n");
    assertThat(marshal(ObjectValue.ofStrings("a", ObjectValue.EMPTY, "b", ArrayValue.EMPTY))).isEqualTo("a: {}\nb: []\n");
    assertThat(marshal(NullValue.INSTANCE)).isEqualTo("null\n");
    assertThat(marshal(ObjectValue.ofStrings("v", BooleanValue.TRUE, "w", NullValue.INSTANCE))).isEqualTo("v: true\nw: null\n");
  }

  @Test
  void marshalQuotesLikeGoYaml() {
    assertThat(marshal(s("hello"))).isEqualTo("hello\n");
    assertThat(marshal(s("true"))).isEqualTo("\"true\"\n");
    assertThat(marshal(s("yes"))).isEqualTo("\"yes\"\n");
    assertThat(marshal(s("10"))).isEqualTo("\"10\"\n");
    assertThat(marshal(s(""))).isEqualTo("\"\"\n");
    assertThat(marshal(s("-"))).isEqualTo("'-'\n");
    assertThat(marshal(s("b: c"))).isEqualTo("'b: c'\n");
    assertThat(marshal(s("Hello #comment"))).isEqualTo("'Hello #comment'\n");
    assertThat(marshal(s("1:1"))).isEqualTo("\"1:1\"\n");
    assertThat(marshal(s("2015-02-24T18:19:39Z"))).isEqualTo("\"2015-02-24T18:19:39Z\"\n");
    assertThat(marshal(s("<foo>"))).isEqualTo("<foo>\n");
    assertThat(marshal(s("你好"))).isEqualTo("你好\n");
    assertThat(marshal(s("a\tb"))).isEqualTo("\"a\\tb\"\n");
    assertThat(marshal(s("😀"))).isEqualTo("\"\\U0001F600\"\n");
    assertThat(marshal(s("it's"))).isEqualTo("it's\n");
    assertThat(marshal(s(" lead"))).isEqualTo("' lead'\n");
    assertThat(marshal(ObjectValue.ofStrings("a", ArrayValue.of(s("A"), s("B\nC"))))).isEqualTo("a:\n- A\n- |-\n  B\n  C\n");
    assertThat(marshal(ObjectValue.ofStrings("a", s("x\n")))).isEqualTo("a: |\n  x\n");
    assertThat(marshal(ObjectValue.ofStrings("a", s("x\n\n"), "b", n(1)))).isEqualTo("a: |+\n  x\n\nb: 1\n");
    assertThat(marshal(ObjectValue.ofStrings("a\nb", n(1)))).isEqualTo("? |-\n  a\n  b\n: 1\n");
  }

  @Test
  void marshalNumbersGoThroughGoYamlResolution() {
    assertThat(marshal(n(123))).isEqualTo("123\n");
    assertThat(marshal(NumberValue.parse("1.5"))).isEqualTo("1.5\n");
    assertThat(marshal(NumberValue.parse("-0.1"))).isEqualTo("-0.1\n");
    assertThat(marshal(NumberValue.of(new BigInteger("18446744073709551615")))).isEqualTo("18446744073709551615\n");
    assertThat(marshal(NumberValue.of(new BigInteger("1000000000000000000000")))).isEqualTo("1e+21\n");
    assertThat(marshal(NumberValue.parse("0.00001"))).isEqualTo("1e-05\n");
    assertThat(marshal(NumberValue.parse("1234567.5"))).isEqualTo("1.2345675e+06\n");
  }

  @Test
  void marshalSortsKeysNaturally() {
    assertThat(marshal(ObjectValue.ofStrings("b", n(1), "a10", n(2), "a9", n(3), "_x", n(4))))
        .isEqualTo("_x: 4\na9: 3\na10: 2\nb: 1\n");
  }

  @Test
  void marshalFoldsLongLinesAt80Columns() {
    String text = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz "
        + "ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 ";
    assertThat(marshal(ObjectValue.ofStrings("a", s(text)))).isEqualTo(
        "a: 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz\n"
            + "  ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 '\n");
    assertThat(marshal(ObjectValue.ofStrings("a", s(text.trim())))).isEqualTo(
        "a: abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz\n"
            + "  ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890\n");
  }

  @Test
  void unmarshalResolvesYaml11Scalars() {
    assertThat(unmarshal("foo:\n  - qux: bar\n  - baz: 2")).isEqualTo(ObjectValue.ofStrings("foo",
        ArrayValue.of(ObjectValue.ofStrings("qux", s("bar")), ObjectValue.ofStrings("baz", n(2)))));
    assertThat(unmarshal("a: yes\nb: 0x1F\nc: 1e3\nd: 2020-01-01\ne: ~\nf: '123'\ng: 1_000\nh: 017\ni: off\nj: .5"))
        .isEqualTo(ObjectValue.ofStrings("a", BooleanValue.TRUE, "b", n(31), "c", n(1000), "d", s("2020-01-01"),
            "e", NullValue.INSTANCE, "f", s("123"), "g", n(1000), "h", n(15), "i", BooleanValue.FALSE,
            "j", NumberValue.parse("0.5")));
    assertThat(unmarshal("1: a\ntrue: b\n1.5: c\n")).isEqualTo(ObjectValue.ofStrings("1", s("a"), "true", s("b"), "1.5", s("c")));
    assertThat(unmarshal("")).isEqualTo(NullValue.INSTANCE);
    assertThat(unmarshal("{\"json\": \"ok\"}")).isEqualTo(ObjectValue.ofStrings("json", s("ok")));
    assertThat(unmarshal("!!float 3")).isEqualTo(n(3));
    assertThat(unmarshal("!!str 3")).isEqualTo(s("3"));
    assertThat(unmarshal("first\n---\nsecond")).isEqualTo(s("first"));
  }

  @Test
  void unmarshalNumbersAsGoJsonWritesThem() {
    assertThat(unmarshal("v: 18446744073709551615")).isEqualTo(ObjectValue.ofStrings("v",
        NumberValue.of(new BigInteger("18446744073709551615"))));
    assertThat(unmarshal("12345678901234567890123")).isEqualTo(NumberValue.parse("1.2345678901234568e+22"));
    assertThat(unmarshal("0x10000000000000000")).isEqualTo(NumberValue.of(BigInteger.ONE.shiftLeft(64)));
    assertThat(unmarshal("0.0000001")).isEqualTo(NumberValue.parse("1e-7"));
  }

  @Test
  void unmarshalMergesAndExpandsAliases() {
    assertThat(unmarshal("base: &b {x: 1, z: 2}\nobj:\n  <<: *b\n  z: 3\n")).isEqualTo(ObjectValue.ofStrings(
        "base", ObjectValue.ofStrings("x", n(1), "z", n(2)), "obj", ObjectValue.ofStrings("x", n(1), "z", n(3))));
    // YAML 1.1: the keys y and n are booleans, as go-yaml v2 reads them.
    assertThat(unmarshal("y: 1\nn: 2")).isEqualTo(ObjectValue.ofStrings("true", n(1), "false", n(2)));
    assertThat(unmarshal("a: &x [1]\nb: *x")).isEqualTo(ObjectValue.ofStrings("a", ArrayValue.of(n(1)), "b", ArrayValue.of(n(1))));
    StringBuilder laughs = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      char p = (char) (c - 1);
      laughs.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p)
          .append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*")
          .append(p).append(",*").append(p).append(",*").append(p).append("]\n");
    }
    assertUnmarshalError(laughs.toString(), "yaml: document contains excessive aliasing");
  }

  @Test
  void unmarshalErrors() {
    assertUnmarshalError("[1,2,3", "yaml: line 1: did not find expected ',' or ']'");
    assertUnmarshalError("foo:\n  - qux: bar\n  - baz: {", "yaml: line 3: did not find expected node content");
    assertUnmarshalError(".inf", "json: unsupported value: +Inf");
    assertUnmarshalError("!!int foo", "yaml: cannot decode !!str `foo` as a !!int");
    assertUnmarshalError("a: *nope", "yaml: unknown anchor 'nope' referenced");
    assertUnmarshalError("~: 1", "unsupported map key of type: %!s(<nil>), key: <nil>");
  }

  @Test
  void isValid() {
    assertThat(call("yaml.is_valid", s("foo:\n  - qux: bar\n  - baz: 2"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("yaml.is_valid", s("{\"json\": \"ok\"}"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("yaml.is_valid", n(1))).isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void roundTrip() {
    Value doc = ArrayValue.of(ObjectValue.ofStrings("foo", SetValue.of(n(1), n(2), n(3)), "bar", s("line1\nline2"),
        "baz", s("yes"), "qux", NumberValue.parse("2.5")));
    assertThat(unmarshal(marshal(doc))).isEqualTo(ArrayValue.of(ObjectValue.ofStrings("foo", ArrayValue.of(n(1), n(2), n(3)),
        "bar", s("line1\nline2"), "baz", s("yes"), "qux", NumberValue.parse("2.5"))));
  }
}
