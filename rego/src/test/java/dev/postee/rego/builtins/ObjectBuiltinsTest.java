package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class ObjectBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static BuiltinException error(String name, Value... args) {
    return catchThrowableOfType(BuiltinException.class, () -> call(name, args));
  }

  private static Value json(String text) { return Json.parse(text); }

  private static NumberValue num(String text) { return NumberValue.parse(text); }

  private static StringValue str(String s) { return StringValue.of(s); }

  private static ObjectValue obj(Value... kv) {
    ObjectValue.Builder b = ObjectValue.builder();
    for (int i = 0; i < kv.length; i += 2) b.put(kv[i], kv[i + 1]);
    return b.build();
  }

  @Test
  void getByKey() {
    assertThat(call("object.get", json("{\"a\": \"b\"}"), str("a"), str("c"))).isEqualTo(str("b"));
    assertThat(call("object.get", json("{\"a\": \"b\"}"), str("c"), str("c"))).isEqualTo(str("c"));
    assertThat(call("object.get", obj(num("1"), num("2")), num("1"), num("3"))).isEqualTo(num("2"));
    assertThat(call("object.get", obj(num("1"), num("2")), num("2"), num("3"))).isEqualTo(num("3"));
    assertThat(call("object.get", json("{\"a\": {\"b\": \"c\"}}"), str("a"), BooleanValue.TRUE))
        .isEqualTo(json("{\"b\": \"c\"}"));
    assertThat(call("object.get", json("{\"a\": {\"b\": \"c\"}}"), str("b"), BooleanValue.TRUE))
        .isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.get", json("{\"a\": null}"), str("a"), num("1"))).isEqualTo(NullValue.INSTANCE);
  }

  @Test
  void getByPath() {
    assertThat(call("object.get", json("{\"a\": 1}"), ArrayValue.EMPTY, num("2"))).isEqualTo(json("{\"a\": 1}"));
    assertThat(call("object.get", json("{\"a\": 1}"), json("[\"a\"]"), num("2"))).isEqualTo(num("1"));
    assertThat(call("object.get", json("{\"a\": {\"b\": 1}}"), json("[\"a\", \"b\"]"), num("2"))).isEqualTo(num("1"));
    assertThat(call("object.get", json("{\"a\": {\"b\": {\"c\": 1}}}"), json("[\"a\", \"b\", \"c\"]"), num("2")))
        .isEqualTo(num("1"));
    assertThat(call("object.get", json("{\"a\": 1}"), json("[\"b\"]"), num("2"))).isEqualTo(num("2"));
    assertThat(call("object.get", json("{\"a\": {\"b\": 1}}"), json("[\"b\", \"a\"]"), num("2"))).isEqualTo(num("2"));
    assertThat(call("object.get", json("{\"a\": {\"b\": {\"c\": 1}}}"), json("[\"a\", \"b\", \"a\"]"), num("2")))
        .isEqualTo(num("2"));
    assertThat(call("object.get", json("{\"a\": {\"b\": [1, 2, 3]}}"), json("[\"a\", \"b\", \"a\"]"), num("2")))
        .isEqualTo(num("2"));
    assertThat(call("object.get", json("{\"a\": {\"b\": [{\"c\": 1}]}}"), json("[\"a\", \"b\", 0, \"c\"]"), num("2")))
        .isEqualTo(num("1"));
    assertThat(call("object.get", json("{\"a\": [1]}"), json("[\"a\", 5]"), num("2"))).isEqualTo(num("2"));
    assertThat(call("object.get", json("{\"a\": [1]}"), json("[\"a\", -1]"), num("2"))).isEqualTo(num("2"));
    assertThat(call("object.get", json("{\"a\": \"s\"}"), json("[\"a\", \"x\"]"), num("2"))).isEqualTo(num("2"));
  }

  @Test
  void getByPathWithNonStringKeysAndSets() {
    Value inner = obj(ArrayValue.of(num("1"), num("2"), num("3")), num("1"));
    Value doc = obj(num("1"), obj(str("b"), inner));
    assertThat(call("object.get", doc, ArrayValue.of(num("1"), str("b"), ArrayValue.of(num("1"), num("2"), num("3"))),
        num("2"))).isEqualTo(num("1"));
    Value withSet = obj(str("s"), SetValue.of(str("x"), str("y")));
    assertThat(call("object.get", withSet, ArrayValue.of(str("s"), str("x")), num("0"))).isEqualTo(str("x"));
    assertThat(call("object.get", withSet, ArrayValue.of(str("s"), str("z")), num("0"))).isEqualTo(num("0"));
  }

  @Test
  void getRequiresAnObject() {
    BuiltinException e = error("object.get", str("object"), json("[\"a\"]"), num("2"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be object but got string");
  }

  @Test
  void keys() {
    assertThat(call("object.keys", json("{\"a\": 1, \"b\": 2}"))).isEqualTo(SetValue.of(str("a"), str("b")));
    assertThat(call("object.keys", obj(num("1"), num("1"), num("2"), num("2"))))
        .isEqualTo(SetValue.of(num("1"), num("2")));
    Value setKeys = obj(SetValue.of(str("a")), num("1"), SetValue.of(str("b")), num("2"));
    assertThat(call("object.keys", setKeys)).isEqualTo(SetValue.of(SetValue.of(str("a")), SetValue.of(str("b"))));
    assertThat(call("object.keys", ObjectValue.EMPTY)).isEqualTo(SetValue.EMPTY);
    assertThat(error("object.keys", str("object")).getMessage()).isEqualTo("operand 1 must be object but got string");
  }

  @Test
  void removeBySetArrayOrObjectKeys() {
    Value doc = json("{\"a\": 1, \"b\": {\"c\": 3}, \"d\": 4}");
    assertThat(call("object.remove", json("{\"a\": 1, \"b\": {\"c\": 3}}"), SetValue.of(str("a"))))
        .isEqualTo(json("{\"b\": {\"c\": 3}}"));
    assertThat(call("object.remove", doc, SetValue.of(str("b"), str("d")))).isEqualTo(json("{\"a\": 1}"));
    assertThat(call("object.remove", doc, json("[\"d\", \"b\"]"))).isEqualTo(json("{\"a\": 1}"));
    assertThat(call("object.remove", doc, json("{\"b\": 1, \"d\": \"\"}"))).isEqualTo(json("{\"a\": 1}"));
    assertThat(call("object.remove", json("{\"a\": {\"b\": {\"c\": 2}}, \"x\": 123}"),
        json("{\"a\": {\"b\": {\"foo\": \"bar\"}}}"))).isEqualTo(json("{\"x\": 123}"));
    assertThat(call("object.remove", ObjectValue.EMPTY, SetValue.of(str("a"), str("b")))).isEqualTo(ObjectValue.EMPTY);
    assertThat(call("object.remove", doc, SetValue.EMPTY)).isEqualTo(doc);
    assertThat(call("object.remove", doc, ArrayValue.EMPTY)).isEqualTo(doc);
    assertThat(call("object.remove", doc, ObjectValue.EMPTY)).isEqualTo(doc);
    assertThat(call("object.remove", doc, SetValue.of(str("z")))).isEqualTo(doc);
    Value nonString = obj(str("a"), num("1"), ArrayValue.of(ArrayValue.of(num("7"))), num("2"));
    assertThat(call("object.remove", nonString, SetValue.of(ArrayValue.of(ArrayValue.of(num("7"))))))
        .isEqualTo(json("{\"a\": 1}"));
  }

  @Test
  void removeAndFilterOperandErrors() {
    BuiltinException e = error("object.remove", json("[\"a\"]"), SetValue.of(str("a")));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be object but got array");
    assertThat(error("object.remove", BooleanValue.FALSE, SetValue.of(str("a"))).getMessage())
        .isEqualTo("operand 1 must be object but got boolean");
    assertThat(error("object.remove", json("{\"a\": 1}"), str("foo")).getMessage())
        .isEqualTo("operand 2 must be one of {object, set, array} but got string");
    assertThat(error("object.remove", json("{\"a\": 1}"), NullValue.INSTANCE).getMessage())
        .isEqualTo("operand 2 must be one of {object, set, array} but got null");
    assertThat(error("object.filter", json("{\"a\": 1}"), num("22")).getMessage())
        .isEqualTo("operand 2 must be one of {object, set, array} but got number");
  }

  @Test
  void filterKeepsListedKeys() {
    Value doc = json("{\"a\": 1, \"b\": 2, \"c\": 3}");
    assertThat(call("object.filter", doc, SetValue.of(str("a")))).isEqualTo(json("{\"a\": 1}"));
    assertThat(call("object.filter", doc, json("[\"b\", \"z\"]"))).isEqualTo(json("{\"b\": 2}"));
    assertThat(call("object.filter", doc, json("{\"c\": null, \"a\": 5}"))).isEqualTo(json("{\"a\": 1, \"c\": 3}"));
    assertThat(call("object.filter", doc, SetValue.EMPTY)).isEqualTo(ObjectValue.EMPTY);
    assertThat(call("object.filter", ObjectValue.EMPTY, json("[\"a\"]"))).isEqualTo(ObjectValue.EMPTY);
    Value nonString = obj(str("a"), num("1"), ArrayValue.of(ArrayValue.of(num("7"))), num("2"));
    assertThat(call("object.filter", nonString, SetValue.of(ArrayValue.of(ArrayValue.of(num("7"))))))
        .isEqualTo(obj(ArrayValue.of(ArrayValue.of(num("7"))), num("2")));
  }

  @Test
  void unionMergesDeeply() {
    assertThat(call("object.union", ObjectValue.EMPTY, ObjectValue.EMPTY)).isEqualTo(ObjectValue.EMPTY);
    assertThat(call("object.union", ObjectValue.EMPTY, json("{\"a\": 1}"))).isEqualTo(json("{\"a\": 1}"));
    assertThat(call("object.union", json("{\"a\": 1}"), ObjectValue.EMPTY)).isEqualTo(json("{\"a\": 1}"));
    assertThat(call("object.union", json("{\"a\": 1}"), json("{\"b\": 2}"))).isEqualTo(json("{\"a\": 1, \"b\": 2}"));
    assertThat(call("object.union", json("{\"a\": {\"b\": {\"c\": 1}}}"), json("{\"b\": 2}")))
        .isEqualTo(json("{\"a\": {\"b\": {\"c\": 1}}, \"b\": 2}"));
    assertThat(call("object.union", json("{\"a\": 1}"), json("{\"a\": 2}"))).isEqualTo(json("{\"a\": 2}"));
    assertThat(call("object.union", json("{\"a\": 1}"), json("{\"a\": {\"b\": {\"c\": 1}}, \"d\": 7}")))
        .isEqualTo(json("{\"a\": {\"b\": {\"c\": 1}}, \"d\": 7}"));
    assertThat(call("object.union", json("{\"a\": {\"b\": {\"c\": 1}}, \"e\": 1}"),
        json("{\"a\": {\"b\": \"foo\", \"b1\": \"bar\"}, \"d\": 7, \"e\": 17}")))
        .isEqualTo(json("{\"a\": {\"b\": \"foo\", \"b1\": \"bar\"}, \"d\": 7, \"e\": 17}"));
    assertThat(call("object.union", json("{\"a\": {\"x\": 1, \"y\": 2}}"), json("{\"a\": {\"y\": 3, \"z\": 4}}")))
        .isEqualTo(json("{\"a\": {\"x\": 1, \"y\": 3, \"z\": 4}}"));
  }

  @Test
  void unionOfEqualObjectsKeepsTheLeftOperand() {
    Value left = json("{\"a\": 1}");
    Value right = json("{\"a\": 1.0}");
    assertThat(call("object.union", left, right).toString()).isEqualTo("{\"a\": 1}");
  }

  @Test
  void unionOperandErrors() {
    BuiltinException e = error("object.union", json("[1, 2, 3]"), json("{\"b\": 2}"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be object but got array");
    assertThat(error("object.union", json("{\"a\": 1}"), json("[1, 2, 3]")).getMessage())
        .isEqualTo("operand 2 must be object but got array");
  }

  @Test
  void unionN() {
    assertThat(call("object.union_n", json("[{}]"))).isEqualTo(ObjectValue.EMPTY);
    assertThat(call("object.union_n", ArrayValue.EMPTY)).isEqualTo(ObjectValue.EMPTY);
    assertThat(call("object.union_n", json("[{\"foo\": \"bar\"}]"))).isEqualTo(json("{\"foo\": \"bar\"}"));
    assertThat(call("object.union_n", json("[{\"foo\": \"bar\"}, {\"x\": \"y\"}]")))
        .isEqualTo(json("{\"foo\": \"bar\", \"x\": \"y\"}"));
    assertThat(call("object.union_n", json("[{\"foo\": \"bar\"}, {\"foo\": \"baz\"}]")))
        .isEqualTo(json("{\"foo\": \"baz\"}"));
    assertThat(call("object.union_n", json("[{\"a\": 1, \"b\": 2, \"c\": 3}, {\"foo\": \"baz\", \"a\": \"a\", "
        + "\"b\": 2, \"d\": 4}, {\"a\": \"final A!\", \"e\": 5.0}]")))
        .isEqualTo(json("{\"a\": \"final A!\", \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5, \"foo\": \"baz\"}"));
    // a non-object in the chain cuts off the merges before it
    assertThat(call("object.union_n", json("[{\"a\": {\"b\": 2}}, {\"a\": 4}, {\"a\": {\"c\": 3}}]")))
        .isEqualTo(json("{\"a\": {\"c\": 3}}"));
    assertThat(call("object.union_n", json("[{\"a\": {\"b\": 2}}, {\"a\": {\"c\": 3}}]")))
        .isEqualTo(json("{\"a\": {\"b\": 2, \"c\": 3}}"));
  }

  @Test
  void unionNRejectsNonObjectElements() {
    BuiltinException e = error("object.union_n", json("[{\"foo\": 1}, {\"bar\": 2}, \"baz\"]"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be array of objects but got array containing string");
    assertThat(error("object.union_n", json("[1, {}, null]")).getMessage())
        .isEqualTo("operand 1 must be array of objects but got array containing null");
  }

  @Test
  void subsetOfObjects() {
    assertThat(call("object.subset", json("{\"a\": 1, \"b\": 2}"), json("{\"a\": 1}"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", json("{\"a\": 1}"), json("{\"a\": 2}"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("object.subset", json("{\"a\": 1}"), json("{\"b\": 1}"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("object.subset", json("{\"a\": {\"b\": 1, \"c\": 2}}"), json("{\"a\": {\"c\": 2}}")))
        .isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", json("{\"a\": [1, 2, 3, 4]}"), json("{\"a\": [2, 3]}")))
        .isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", json("{\"a\": [1, 2, 3, 4]}"), json("{\"a\": [2, 4]}")))
        .isEqualTo(BooleanValue.FALSE);
    assertThat(call("object.subset", obj(str("a"), SetValue.of(num("1"), num("2"))), obj(str("a"), SetValue.of(num("2")))))
        .isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", json("{\"a\": 1}"), ObjectValue.EMPTY)).isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", json("{\"a\": [1, 2]}"), obj(str("a"), SetValue.of(num("1")))))
        .isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void subsetOfSetsAndArrays() {
    SetValue s123 = SetValue.of(num("1"), num("2"), num("3"));
    assertThat(call("object.subset", s123, SetValue.of(num("1"), num("3")))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", s123, SetValue.of(num("4")))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("object.subset", json("[1, 2, 3]"), json("[2, 3]"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", json("[1, 2, 1, 2, 3]"), json("[1, 2, 3]"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", json("[1, 2, 3]"), json("[3, 2]"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("object.subset", json("[1, 2, 3]"), ArrayValue.EMPTY)).isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", json("[3, 1, 2]"), SetValue.of(num("1"), num("3")))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", json("[3, 1]"), SetValue.of(num("1"), num("4")))).isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void subsetQuirksKeptFromOpa() {
    // an array counts repeated members again, and an empty array holds not even the empty set
    assertThat(call("object.subset", json("[1, 1]"), SetValue.of(num("1"), num("2")))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("object.subset", ArrayValue.EMPTY, SetValue.EMPTY)).isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void subsetNeedsCompatibleOperands() {
    BuiltinException e = error("object.subset", SetValue.of(num("1")), json("[1]"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("both arguments object.subset must be of the same type or array and set");
    assertThat(error("object.subset", json("{}"), json("[]")).getMessage())
        .isEqualTo("both arguments object.subset must be of the same type or array and set");
  }
}
