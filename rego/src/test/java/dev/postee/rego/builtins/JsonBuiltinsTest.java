package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class JsonBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static StringValue s(String v) { return StringValue.of(v); }

  private static NumberValue n(long v) { return NumberValue.of(v); }

  /** JSON text as a value (sets cannot be written this way; use the value classes for those). */
  private static Value j(String json) { return Json.parse(json); }

  private static void assertError(String code, String message, String name, Value... args) {
    assertThatThrownBy(() -> call(name, args))
        .isInstanceOfSatisfying(BuiltinException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  @Test
  void marshalWritesGoJson() {
    assertThat(call("json.marshal", ArrayValue.of(ObjectValue.ofStrings("foo", SetValue.of(n(1), n(2), n(3))))))
        .isEqualTo(s("[{\"foo\":[1,2,3]}]"));
    assertThat(call("json.marshal", ArrayValue.of(n(1234567890), n(2000000), NumberValue.of(new BigInteger("1000000000")))))
        .isEqualTo(s("[1234567890,2000000,1000000000]"));
    assertThat(call("json.marshal", NumberValue.of(new BigInteger("123456789012345678901234567890"))))
        .isEqualTo(s("123456789012345678901234567890"));
    assertThat(call("json.marshal", s("<a & b>"))).isEqualTo(s("\"\\u003ca \\u0026 b\\u003e\""));
    assertThat(call("json.marshal", ObjectValue.ofStrings("b", n(1), "a", NullValue.INSTANCE))).isEqualTo(s("{\"a\":null,\"b\":1}"));
  }

  @Test
  void marshalWithOptions() {
    Value v = ArrayValue.of(n(1234567890), n(2000000), n(1000000000));
    assertThat(call("json.marshal_with_options", v, ObjectValue.ofStrings("indent", s("  "))))
        .isEqualTo(s("[\n  1234567890,\n  2000000,\n  1000000000\n]"));
    assertThat(call("json.marshal_with_options", v, ObjectValue.EMPTY)).isEqualTo(s("[1234567890,2000000,1000000000]"));
    assertThat(call("json.marshal_with_options", v, ObjectValue.ofStrings("pretty", BooleanValue.TRUE)))
        .isEqualTo(s("[\n\t1234567890,\n\t2000000,\n\t1000000000\n]"));
    assertThat(call("json.marshal_with_options", v, ObjectValue.ofStrings("pretty", BooleanValue.FALSE, "prefix", s("NO!"),
        "indent", s("BAD!")))).isEqualTo(s("[1234567890,2000000,1000000000]"));
    assertThat(call("json.marshal_with_options", v, ObjectValue.ofStrings("prefix", s("JSON => "))))
        .isEqualTo(s("JSON => [\nJSON => \t1234567890,\nJSON => \t2000000,\nJSON => \t1000000000\nJSON => ]"));
    assertThat(call("json.marshal_with_options", ObjectValue.ofStrings("foo", s("bar"), "bar", s("baz")),
        ObjectValue.ofStrings("prefix", s("JSON => "))))
        .isEqualTo(s("JSON => {\nJSON => \t\"bar\": \"baz\",\nJSON => \t\"foo\": \"bar\"\nJSON => }"));
    assertThat(call("json.marshal_with_options", ArrayValue.EMPTY, ObjectValue.ofStrings("indent", s("    "), "prefix", s("---"))))
        .isEqualTo(s("---[]"));
    Value deep = ArrayValue.of(ArrayValue.of(ArrayValue.EMPTY));
    assertThat(call("json.marshal_with_options", deep, ObjectValue.ofStrings("indent", s("    "))))
        .isEqualTo(s("[\n    [\n        []\n    ]\n]"));
    assertError(BuiltinException.TYPE_ERROR, "operand 2 object contained unknown key \"include_winning_lottery_numbers\"",
        "json.marshal_with_options", ArrayValue.EMPTY,
        ObjectValue.ofStrings("indent", s("    "), "include_winning_lottery_numbers", BooleanValue.TRUE));
    assertError(BuiltinException.TYPE_ERROR, "operand 2 key \"pretty\" failed cast to bool",
        "json.marshal_with_options", ArrayValue.EMPTY, ObjectValue.ofStrings("pretty", s("yes")));
    assertError(BuiltinException.TYPE_ERROR, "operand 2 key \"indent\" failed cast to string: operand 0 must be string but got number",
        "json.marshal_with_options", ArrayValue.EMPTY, ObjectValue.ofStrings("indent", n(2)));
  }

  @Test
  void unmarshalKeepsNumbersExact() {
    assertThat(call("json.unmarshal", s("[{\"foo\":[1,2,3]}]"))).isEqualTo(ArrayValue.of(ObjectValue.ofStrings("foo",
        ArrayValue.of(n(1), n(2), n(3)))));
    assertThat(call("json.unmarshal", s(" 123456789012345678901234567890 ")))
        .isEqualTo(NumberValue.of(new BigInteger("123456789012345678901234567890")));
    assertThat(call("json.unmarshal", s("\"\\u00e9\\ud83d\\ude00\\ud800\""))).isEqualTo(s("é😀\ufffd"));
    assertThat(call("json.unmarshal", s("{\"a\":1,\"a\":2}"))).isEqualTo(ObjectValue.ofStrings("a", n(2)));
    // Go's decoder reads one value; OPA only objects to a further token (and a trailing null is no token).
    assertThat(call("json.unmarshal", s("1 null"))).isEqualTo(n(1));
  }

  @Test
  void unmarshalErrorsReadLikeGo() {
    assertError(BuiltinException.BUILTIN_ERROR, "invalid character 'x' looking for beginning of value", "json.unmarshal", s("x"));
    assertError(BuiltinException.BUILTIN_ERROR, "unexpected EOF", "json.unmarshal", s("{\"a\":"));
    assertError(BuiltinException.BUILTIN_ERROR, "EOF", "json.unmarshal", s("  "));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid character '}' after object key", "json.unmarshal", s("{\"a\"}"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid character ']' after object key:value pair", "json.unmarshal",
        s("{\"a\":1]"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid character '}' looking for beginning of object key string",
        "json.unmarshal", s("{\"a\":1,}"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid character 'x' in literal true (expecting 'r')", "json.unmarshal",
        s("tx"));
    assertError(BuiltinException.BUILTIN_ERROR, "error: invalid character '2' after top-level value", "json.unmarshal",
        s("1 2"));
    assertError(BuiltinException.BUILTIN_ERROR, "error: invalid character '{' after top-level value", "json.unmarshal",
        s("{}{}"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid character '\\n' in string literal", "json.unmarshal", s("\"a\nb\""));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid character 'a' after decimal point in numeric literal",
        "json.unmarshal", s("1.a"));
  }

  @Test
  void isValidFollowsGo() {
    assertThat(call("json.is_valid", s("plainstring"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("json.is_valid", s("{"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("json.is_valid", s("{\"json\": \"ok\"}"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("json.is_valid", s(" [1, 2.5e3, -0, true, null] "))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("json.is_valid", s("01"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("json.is_valid", s("1 2"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("json.is_valid", n(1))).isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void filterKeepsSelectedPaths() {
    Value doc = j("{\"a\": {\"b\": {\"c\": 7, \"d\": 8}}, \"e\": 9}");
    assertThat(call("json.filter", doc, SetValue.of(s("a/b/c")))).isEqualTo(j("{\"a\": {\"b\": {\"c\": 7}}}"));
    assertThat(call("json.filter", doc, SetValue.of(s("a/b/c"), s("e")))).isEqualTo(j("{\"a\": {\"b\": {\"c\": 7}}, \"e\": 9}"));
    assertThat(call("json.filter", doc, ArrayValue.of(s("a/b/c"), s("e")))).isEqualTo(j("{\"a\": {\"b\": {\"c\": 7}}, \"e\": 9}"));
    assertThat(call("json.filter", j("{\"a\": {\"b\": {\"c\": 7, \"d\": 8}, \"e\": 9}}"), SetValue.of(s("a/b/c"), s("a/e"))))
        .isEqualTo(j("{\"a\": {\"b\": {\"c\": 7}, \"e\": 9}}"));
    assertThat(call("json.filter", j("{\"a\": {\"b\": 7}}"), SetValue.of(s("a"), s("a/b")))).isEqualTo(j("{\"a\": {\"b\": 7}}"));
    assertThat(call("json.filter", j("{\"a\": 7}"), SetValue.EMPTY)).isEqualTo(ObjectValue.EMPTY);
    assertThat(call("json.filter", ObjectValue.EMPTY, SetValue.of(s("a/b")))).isEqualTo(ObjectValue.EMPTY);
    assertThat(call("json.filter", j("{\"a\": [{\"b\": 7, \"c\": 8}, {\"d\": 9}]}"), SetValue.of(s("a/0/b"), s("a/1"))))
        .isEqualTo(j("{\"a\": [{\"b\": 7}, {\"d\": 9}]}"));
    assertThat(call("json.filter", j("{\"a\": [{\"1\": [\"b\", \"c\", \"d\"]}, {\"x\": \"y\"}]}"), SetValue.of(s("a/0/1/2"))))
        .isEqualTo(j("{\"a\": [{\"1\": [\"d\"]}]}"));
    assertThat(call("json.filter", doc, SetValue.of(ArrayValue.of(s("a"), s("b"), s("c")), ArrayValue.of(s("e")))))
        .isEqualTo(j("{\"a\": {\"b\": {\"c\": 7}}, \"e\": 9}"));
    assertThat(call("json.filter", j("{\"a\": {\"b\": {\"c\": 7, \"d\": 8, \"x\": 0}}, \"e\": 9}"),
        SetValue.of(s("a/b/d"), ArrayValue.of(s("a"), s("b"), s("c"))))).isEqualTo(j("{\"a\": {\"b\": {\"c\": 7, \"d\": 8}}}"));
    assertThat(call("json.filter", ObjectValue.ofStrings("a/b", n(1), "~", n(2), "c", n(3)), SetValue.of(s("a~1b"), s("~0"))))
        .isEqualTo(ObjectValue.ofStrings("a/b", n(1), "~", n(2)));
    assertThat(call("json.filter", ObjectValue.ofStrings("s", SetValue.of(s("x"), s("y"))), SetValue.of(s("s/x"))))
        .isEqualTo(ObjectValue.ofStrings("s", SetValue.of(s("x"))));
    assertError(BuiltinException.TYPE_ERROR,
        "operand 2 must be one of {set, array} containing string paths or array of path segments but got number",
        "json.filter", doc, SetValue.of(n(1)));
  }

  @Test
  void removeDropsSelectedPaths() {
    Value doc = j("{\"a\": {\"b\": 2, \"c\": 3}}");
    assertThat(call("json.remove", doc, SetValue.of(s("a")))).isEqualTo(ObjectValue.EMPTY);
    assertThat(call("json.remove", doc, SetValue.of(s("a/b")))).isEqualTo(j("{\"a\": {\"c\": 3}}"));
    assertThat(call("json.remove", doc, SetValue.of(s("a/c")))).isEqualTo(j("{\"a\": {\"b\": 2}}"));
    assertThat(call("json.remove", j("{\"a\": [1, 2, 3, 4]}"), ArrayValue.of(s("a/1"), s("/a/3")))).isEqualTo(j("{\"a\": [1, 3]}"));
    assertThat(call("json.remove", ObjectValue.ofStrings("s", SetValue.of(s("x"), s("y"))), SetValue.of(ArrayValue.of(s("s"), s("x")))))
        .isEqualTo(ObjectValue.ofStrings("s", SetValue.of(s("y"))));
    assertThat(call("json.remove", doc, SetValue.of(s("")))).isEqualTo(doc);
    assertThat(call("json.remove", doc, SetValue.of(s("x/y")))).isEqualTo(doc);
  }

  private static Value patch(String doc, String ops) { return call("json.patch", j(doc), j(ops)); }

  @Test
  void patchAppliesRfc6902() {
    assertThat(patch("{\"foo\": \"bar\"}", "[{\"op\": \"add\", \"path\": \"/baz\", \"value\": \"qux\"}]"))
        .isEqualTo(j("{\"baz\": \"qux\", \"foo\": \"bar\"}"));
    assertThat(patch("{\"foo\": [\"bar\", \"baz\"]}", "[{\"op\": \"add\", \"path\": \"/foo/1\", \"value\": \"qux\"}]"))
        .isEqualTo(j("{\"foo\": [\"bar\", \"qux\", \"baz\"]}"));
    assertThat(patch("{\"foo\": [\"bar\", \"qux\", \"baz\"]}", "[{\"op\": \"remove\", \"path\": \"/foo/1\"}]"))
        .isEqualTo(j("{\"foo\": [\"bar\", \"baz\"]}"));
    assertThat(patch("{\"baz\": \"qux\", \"foo\": \"bar\"}", "[{\"op\": \"replace\", \"path\": \"/baz\", \"value\": \"boo\"}]"))
        .isEqualTo(j("{\"baz\": \"boo\", \"foo\": \"bar\"}"));
    assertThat(patch("{\"foo\": {\"bar\": \"baz\", \"waldo\": \"fred\"}, \"qux\": {\"corge\": \"grault\"}}",
        "[{\"op\": \"move\", \"from\": \"/foo/waldo\", \"path\": \"/qux/thud\"}]"))
        .isEqualTo(j("{\"foo\": {\"bar\": \"baz\"}, \"qux\": {\"corge\": \"grault\", \"thud\": \"fred\"}}"));
    assertThat(patch("{\"foo\": [\"all\", \"grass\", \"cows\", \"eat\"]}", "[{\"op\": \"move\", \"from\": \"/foo/1\", \"path\": \"/foo/3\"}]"))
        .isEqualTo(j("{\"foo\": [\"all\", \"cows\", \"eat\", \"grass\"]}"));
    assertThat(patch("{\"baz\": \"qux\", \"foo\": [\"a\", 2, \"c\"]}",
        "[{\"op\": \"test\", \"path\": \"/baz\", \"value\": \"qux\"}, {\"op\": \"test\", \"path\": \"/foo/1\", \"value\": 2}]"))
        .isEqualTo(j("{\"baz\": \"qux\", \"foo\": [\"a\", 2, \"c\"]}"));
    assertThat(patch("{\"/\": 9, \"~1\": 10}", "[{\"op\": \"test\", \"path\": \"/~01\", \"value\": 10}]"))
        .isEqualTo(j("{\"/\": 9, \"~1\": 10}"));
    assertThat(patch("{\"foo\": [\"bar\"]}", "[{\"op\": \"add\", \"path\": \"/foo/-\", \"value\": [\"abc\", \"def\"]}]"))
        .isEqualTo(j("{\"foo\": [\"bar\", [\"abc\", \"def\"]]}"));
    assertThat(patch("{}", "[{\"op\": \"add\", \"path\": \"\", \"value\": []}]")).isEqualTo(ArrayValue.EMPTY);
    assertThat(patch("\"foo\"", "[{\"op\": \"replace\", \"path\": \"\", \"value\": \"bar\"}]")).isEqualTo(s("bar"));
    assertThat(patch("{}", "[{\"op\": \"add\", \"path\": \"/\", \"value\": 1}]")).isEqualTo(j("{\"\": 1}"));
    assertThat(patch("{\"foo\": {}}", "[{\"op\": \"add\", \"path\": \"/foo/\", \"value\": 1}]")).isEqualTo(j("{\"foo\": {\"\": 1}}"));
    assertThat(patch("[1, 2, [3, [4, 5]]]", "[{\"op\": \"add\", \"path\": \"/2/1/-\", \"value\": 6}]")).isEqualTo(j("[1, 2, [3, [4, 5, 6]]]"));
    assertThat(patch("[1, 2, 3, 4]", "[{\"op\": \"remove\", \"path\": \"/1\"}, {\"op\": \"remove\", \"path\": \"/2\"}]"))
        .isEqualTo(j("[1, 3]"));
    assertThat(patch("{\"foo\": 1}", "[{\"op\": \"move\", \"from\": \"/foo\", \"path\": \"/foo\"}]")).isEqualTo(j("{\"foo\": 1}"));
    assertThat(patch("{\"1e0\": \"foo\"}", "[{\"op\": \"test\", \"path\": \"/1e0\", \"value\": \"foo\"}]")).isEqualTo(j("{\"1e0\": \"foo\"}"));
    assertThat(patch("{\"foo\": {\"foo\": 1, \"bar\": 2}}", "[{\"op\": \"test\", \"path\": \"/foo\", \"value\": {\"bar\": 2, \"foo\": 1}}]"))
        .isEqualTo(j("{\"foo\": {\"foo\": 1, \"bar\": 2}}"));
  }

  @Test
  void patchFailuresAreUndefined() {
    String[][] failing = {
        {"{\"q\": {\"bar\": 2}}", "[{\"op\": \"add\", \"path\": \"/a/b\", \"value\": 1}]"},
        {"{\"baz\": \"qux\"}", "[{\"op\": \"test\", \"path\": \"/baz\", \"value\": \"bar\"}]"},
        {"{\"/\": 9, \"~1\": 10}", "[{\"op\": \"test\", \"path\": \"/~01\", \"value\": \"10\"}]"},
        {"{\"bar\": [1, 2]}", "[{\"op\": \"add\", \"path\": \"/bar/8\", \"value\": \"5\"}]"},
        {"{\"bar\": [1, 2]}", "[{\"op\": \"add\", \"path\": \"/bar/-1\", \"value\": \"5\"}]"},
        {"[\"foo\", \"bar\"]", "[{\"op\": \"test\", \"path\": \"/1e0\", \"value\": \"bar\"}]"},
        {"[\"foo\", \"sil\"]", "[{\"op\": \"add\", \"path\": \"/bar\", \"value\": 42}]"},
        {"{}", "[{\"op\": \"add\", \"value\": \"bar\"}]"},
        {"{}", "[{\"op\": \"add\", \"path\": null, \"value\": \"bar\"}]"},
        {"[1]", "[{\"op\": \"add\", \"path\": \"/-\"}]"},
        {"[1]", "[{\"op\": \"copy\", \"path\": \"/-\"}]"},
        {"{\"foo\": 1}", "[{\"op\": \"copy\", \"from\": \"/bar\", \"path\": \"/foo\"}]"},
        {"{\"foo\": 1}", "[{\"op\": \"spam\", \"path\": \"/foo\", \"value\": 1}]"},
        {"[\"foo\", \"bar\"]", "[{\"op\": \"test\", \"path\": \"/00\", \"value\": \"foo\"}]"},
        {"{\"foo\": \"bar\"}", "[{\"op\": \"remove\", \"path\": \"/baz\"}]"},
        {"[\"foo\", \"bar\"]", "[{\"op\": \"remove\", \"path\": \"/2\"}]"},
        {"{\"bar\": \"baz\"}", "[{\"op\": \"replace\", \"path\": \"/foo/bar\", \"value\": false}]"},
        {"[1, 2, 3]", "[{\"op\": \"add\", \"path\": \"1.2\", \"value\": \"foo\"}]"},
        {"{}", "[1]"},
    };
    for (String[] c : failing) assertThat(patch(c[0], c[1])).as(c[1]).isNull();
  }

  @Test
  void patchAddressesSetsByElement() {
    Value doc = ObjectValue.ofStrings("foo", SetValue.of(s("a"), s("b"), s("c")));
    assertThat(call("json.patch", doc, ArrayValue.of(ObjectValue.ofStrings("op", s("remove"), "path", s("foo/b")))))
        .isEqualTo(ObjectValue.ofStrings("foo", SetValue.of(s("a"), s("c"))));
    assertThat(call("json.patch", doc, ArrayValue.of(ObjectValue.ofStrings("op", s("add"), "path", s("foo/d"), "value", s("d")))))
        .isEqualTo(ObjectValue.ofStrings("foo", SetValue.of(s("a"), s("b"), s("c"), s("d"))));
    assertThat(call("json.patch", doc, ArrayValue.of(ObjectValue.ofStrings("op", s("add"), "path", s("foo/d"), "value", s("e")))))
        .isNull();
    Value two = ObjectValue.ofStrings("foo", SetValue.of(s("a"), s("b")), "bar", SetValue.of(s("c"), s("d")));
    assertThat(call("json.patch", two, ArrayValue.of(ObjectValue.ofStrings("op", s("move"), "from", s("foo/a"), "path", s("bar/a")))))
        .isEqualTo(ObjectValue.ofStrings("foo", SetValue.of(s("b")), "bar", SetValue.of(s("a"), s("c"), s("d"))));
    assertThat(call("json.patch", SetValue.of(ArrayValue.of(n(1))),
        ArrayValue.of(ObjectValue.ofStrings("op", s("add"), "path", ArrayValue.of(ArrayValue.of(n(1)), n(1)), "value", n(2)))))
        .isEqualTo(SetValue.of(ArrayValue.of(n(1), n(2))));
  }

  private static Value match(Value doc, Value schema) { return call("json.match_schema", doc, schema); }

  private static ObjectValue schemaError(String desc, String error, String field, String type) {
    return ObjectValue.ofStrings("desc", s(desc), "error", s(error), "field", s(field), "type", s(type));
  }

  @Test
  void matchSchema() {
    Value schema = j("{\"properties\": {\"id\": {\"type\": \"integer\"}}, \"required\": [\"id\"]}");
    assertThat(match(j("{\"id\": 5}"), schema)).isEqualTo(ArrayValue.of(BooleanValue.TRUE, ArrayValue.EMPTY));
    assertThat(match(s("{\"id\": 5}"), schema)).isEqualTo(ArrayValue.of(BooleanValue.TRUE, ArrayValue.EMPTY));
    assertThat(match(j("{\"id\": 5}"), s("{\"properties\": {\"id\": {\"type\": \"integer\"}}, \"required\": [\"id\"]}")))
        .isEqualTo(ArrayValue.of(BooleanValue.TRUE, ArrayValue.EMPTY));
    assertThat(match(j("{\"id\": \"foo\"}"), schema)).isEqualTo(ArrayValue.of(BooleanValue.FALSE, ArrayValue.of(
        schemaError("Invalid type. Expected: integer, given: string", "id: Invalid type. Expected: integer, given: string",
            "id", "invalid_type"))));
    assertThat(match(j("{}"), schema)).isEqualTo(ArrayValue.of(BooleanValue.FALSE, ArrayValue.of(
        schemaError("id is required", "(root): id is required", "(root)", "required"))));
    assertError(BuiltinException.BUILTIN_ERROR, "has a primitive type that is NOT VALID -- given: /unknown/ Expected valid "
        + "values are:[array boolean integer number null object string]", "json.match_schema", j("{\"id\": \"foo\"}"),
        j("{\"properties\": {\"id\": {\"type\": \"unknown\"}}, \"required\": [\"id\"]}"));
    assertError(BuiltinException.BUILTIN_ERROR, "invalid JSON string", "json.match_schema", s("{"), schema);
  }

  @Test
  void matchSchemaKeywords() {
    Value schema = j("{\"type\": \"object\", \"properties\": {"
        + "\"n\": {\"type\": \"number\", \"minimum\": 1, \"exclusiveMaximum\": 10, \"multipleOf\": 0.5},"
        + "\"s\": {\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3, \"pattern\": \"^a\", \"format\": \"ipv4\"},"
        + "\"a\": {\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"uniqueItems\": true, \"maxItems\": 2},"
        + "\"e\": {\"enum\": [\"x\", 1]}, \"c\": {\"const\": {\"k\": 1}}},"
        + "\"additionalProperties\": false}");
    Value doc = j("{\"n\": 10.25, \"s\": \"bcde\", \"a\": [1, 1, 2.5], \"e\": \"y\", \"c\": {\"k\": 1.0}, \"z\": true}");
    assertThat(match(doc, schema)).isEqualTo(ArrayValue.of(BooleanValue.FALSE, ArrayValue.of(
        schemaError("Additional property z is not allowed", "(root): Additional property z is not allowed", "(root)",
            "additional_property_not_allowed"),
        schemaError("Invalid type. Expected: integer, given: number", "a.2: Invalid type. Expected: integer, given: number",
            "a.2", "invalid_type"),
        schemaError("Array must have at most 2 items", "a: Array must have at most 2 items", "a", "array_max_items"),
        schemaError("array items[0,1] must be unique", "a: array items[0,1] must be unique", "a", "unique"),
        schemaError("e must be one of the following: \"x\", 1", "e: e must be one of the following: \"x\", 1", "e", "enum"),
        schemaError("Must be a multiple of 0.5", "n: Must be a multiple of 0.5", "n", "multiple_of"),
        schemaError("Must be less than 10", "n: Must be less than 10", "n", "number_lt"),
        schemaError("Does not match format 'ipv4'", "s: Does not match format 'ipv4'", "s", "format"),
        schemaError("String length must be less than or equal to 3", "s: String length must be less than or equal to 3", "s",
            "string_lte"),
        schemaError("Does not match pattern '^a'", "s: Does not match pattern '^a'", "s", "pattern"))));
  }

  @Test
  void matchSchemaCombinatorsAndRefs() {
    Value schema = j("{\"definitions\": {\"pos\": {\"type\": \"integer\", \"minimum\": 0}},"
        + "\"anyOf\": [{\"$ref\": \"#/definitions/pos\"}, {\"type\": \"string\"}]}");
    assertThat(match(s("3"), schema)).isEqualTo(ArrayValue.of(BooleanValue.TRUE, ArrayValue.EMPTY));
    assertThat(match(s("-3"), schema)).isEqualTo(ArrayValue.of(BooleanValue.FALSE, ArrayValue.of(
        schemaError("Must validate at least one schema (anyOf)", "(root): Must validate at least one schema (anyOf)",
            "(root)", "number_any_of"),
        schemaError("Must be greater than or equal to 0", "(root): Must be greater than or equal to 0", "(root)", "number_gte"))));
    Value conditional = j("{\"if\": {\"properties\": {\"k\": {\"const\": \"a\"}}}, \"then\": {\"required\": [\"x\"]},"
        + "\"else\": false}");
    assertThat(match(j("{\"k\": \"a\", \"x\": 1}"), conditional)).isEqualTo(ArrayValue.of(BooleanValue.TRUE, ArrayValue.EMPTY));
    assertThat(match(j("{\"k\": \"a\"}"), conditional)).isEqualTo(ArrayValue.of(BooleanValue.FALSE, ArrayValue.of(
        schemaError("Must validate \"then\" as \"if\" was valid", "(root): Must validate \"then\" as \"if\" was valid", "(root)",
            "condition_then"),
        schemaError("x is required", "(root): x is required", "(root)", "required"))));
    assertThat(match(j("{\"k\": \"b\"}"), conditional)).isEqualTo(ArrayValue.of(BooleanValue.FALSE, ArrayValue.of(
        schemaError("Must validate \"else\" as \"if\" was not valid", "(root): Must validate \"else\" as \"if\" was not valid",
            "(root)", "condition_else"),
        schemaError("False always fails validation", "(root): False always fails validation", "(root)", "false"))));
    Value recursive = j("{\"type\": \"object\", \"properties\": {\"child\": {\"$ref\": \"#\"}, \"v\": {\"type\": \"integer\"}}}");
    assertThat(match(j("{\"child\": {\"child\": {\"v\": \"x\"}}}"), recursive)).isEqualTo(ArrayValue.of(BooleanValue.FALSE,
        ArrayValue.of(schemaError("Invalid type. Expected: integer, given: string",
            "child.child.v: Invalid type. Expected: integer, given: string", "child.child.v", "invalid_type"))));
  }

  @Test
  void verifySchema() {
    assertThat(call("json.verify_schema", s("{\"type\": \"boolean\"}"))).isEqualTo(ArrayValue.of(BooleanValue.TRUE, NullValue.INSTANCE));
    assertThat(call("json.verify_schema", j("{\"type\": \"boolean\"}"))).isEqualTo(ArrayValue.of(BooleanValue.TRUE, NullValue.INSTANCE));
    String notValid = "jsonschema: has a primitive type that is NOT VALID -- given: /unknown_type/ Expected valid values are:"
        + "[array boolean integer number null object string]";
    assertThat(call("json.verify_schema", s("{\"type\": \"unknown_type\"}"))).isEqualTo(ArrayValue.of(BooleanValue.FALSE, s(notValid)));
    assertThat(call("json.verify_schema", j("{\"type\": \"unknown_type\"}"))).isEqualTo(ArrayValue.of(BooleanValue.FALSE, s(notValid)));
    assertThat(call("json.verify_schema", s("{"))).isEqualTo(ArrayValue.of(BooleanValue.FALSE, s("jsonschema: invalid JSON string")));
    assertThat(call("json.verify_schema", s("123"))).isEqualTo(ArrayValue.of(BooleanValue.FALSE, s("jsonschema: schema is invalid")));
    assertThat(call("json.verify_schema", j("{\"minLength\": -1}")))
        .isEqualTo(ArrayValue.of(BooleanValue.FALSE, s("jsonschema: minLength must be greater than or equal to 0")));
    assertThat(call("json.verify_schema", j("{\"pattern\": \"(\"}")))
        .isEqualTo(ArrayValue.of(BooleanValue.FALSE, s("jsonschema: pattern must be a valid regex")));
    assertThat(call("json.verify_schema", j("{\"$ref\": \"#/definitions/missing\"}")))
        .isEqualTo(ArrayValue.of(BooleanValue.FALSE, s("jsonschema: Object has no key 'definitions'")));
    assertThat(call("json.verify_schema", j("{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"properties\": {\"a\": true}}")))
        .isEqualTo(ArrayValue.of(BooleanValue.FALSE, s("jsonschema: Expected: valid schema, given: Invalid JSON")));
    assertThat(call("json.verify_schema", j("{\"$ref\": \"http://json-schema.org/draft-07/schema#\"}")))
        .isEqualTo(ArrayValue.of(BooleanValue.TRUE, NullValue.INSTANCE));
  }
}
