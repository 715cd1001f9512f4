package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static BuiltinException error(String name, Value... args) {
    return catchThrowableOfType(BuiltinException.class, () -> call(name, args));
  }

  private static List<Value> walk(Value input) {
    List<Value> out = new ArrayList<>();
    BuiltinRegistry.standard().lookup("walk").relation().call(new DefaultBuiltinContext(), new Value[] {input}, out::add);
    return out;
  }

  private static Value json(String text) { return Json.parse(text); }

  private static StringValue str(String s) { return StringValue.of(s); }

  private static SetValue set(String... names) {
    SetValue.Builder b = SetValue.builder();
    for (String n : names) b.add(str(n));
    return b.build();
  }

  private static ObjectValue graph(Object... kv) {
    ObjectValue.Builder b = ObjectValue.builder();
    for (int i = 0; i < kv.length; i += 2) b.put(str((String) kv[i]), (Value) kv[i + 1]);
    return b.build();
  }

  @Test
  void walkIsARelation() {
    assertThat(BuiltinRegistry.standard().lookup("walk").function()).isNull();
    assertThat(BuiltinRegistry.standard().lookup("walk").relation()).isNotNull();
  }

  @Test
  void walkScalar() {
    assertThat(walk(NumberValue.of(1))).containsExactly(json("[[], 1]"));
  }

  @Test
  void walkArraysAndObjectsPreOrder() {
    assertThat(walk(json("[1, 2, 3, 4]"))).containsExactly(json("[[], [1, 2, 3, 4]]"), json("[[0], 1]"),
        json("[[1], 2]"), json("[[2], 3]"), json("[[3], 4]"));
    assertThat(walk(json("{\"v1\": \"hello\", \"v2\": \"goodbye\"}"))).containsExactly(
        json("[[], {\"v1\": \"hello\", \"v2\": \"goodbye\"}]"), json("[[\"v1\"], \"hello\"]"),
        json("[[\"v2\"], \"goodbye\"]"));
    assertThat(walk(json("{\"a\": [{\"b\": 1}]}"))).containsExactly(json("[[], {\"a\": [{\"b\": 1}]}]"),
        json("[[\"a\"], [{\"b\": 1}]]"), json("[[\"a\", 0], {\"b\": 1}]"), json("[[\"a\", 0, \"b\"], 1]"));
  }

  @Test
  void walkSetsUseMembersAsPathKeys() {
    SetValue inner = SetValue.of(NumberValue.of(1), NumberValue.of(2), NumberValue.of(3));
    SetValue outer = SetValue.of(inner);
    assertThat(walk(outer)).containsExactly(
        ArrayValue.of(ArrayValue.EMPTY, outer),
        ArrayValue.of(ArrayValue.of(inner), inner),
        ArrayValue.of(ArrayValue.of(inner, NumberValue.of(1)), NumberValue.of(1)),
        ArrayValue.of(ArrayValue.of(inner, NumberValue.of(2)), NumberValue.of(2)),
        ArrayValue.of(ArrayValue.of(inner, NumberValue.of(3)), NumberValue.of(3)));
  }

  @Test
  void walkPathsAreIndependentCopies() {
    List<Value> out = walk(json("{\"a\": [{\"aa\": \"AA\"}, {\"bb\": \"BB\"}]}"));
    assertThat(out).contains(json("[[\"a\", 0, \"aa\"], \"AA\"]"), json("[[\"a\", 1, \"bb\"], \"BB\"]"));
  }

  @Test
  void walkStopsWhenTheConsumerDoes() {
    List<Value> seen = new ArrayList<>();
    BuiltinRegistry.standard().lookup("walk").relation().call(new DefaultBuiltinContext(),
        new Value[] {json("[[1, 2], [3, 4]]")}, v -> {
          seen.add(v);
          return seen.size() < 3;
        });
    assertThat(seen).hasSize(3);
  }

  @Test
  void reachable() {
    assertThat(call("graph.reachable", ObjectValue.EMPTY, set("a"))).isEqualTo(SetValue.EMPTY);
    assertThat(call("graph.reachable", graph("a", set("b"), "b", set("c"), "c", set("a")), set("a")))
        .isEqualTo(set("a", "b", "c"));
    ObjectValue components = graph("a", set("b", "c"), "b", set("d"), "c", set("d"), "d", SetValue.EMPTY,
        "e", set("f"), "f", set("e"), "x", set("x"));
    assertThat(call("graph.reachable", components, set("b", "e"))).isEqualTo(set("b", "d", "e", "f"));
    assertThat(call("graph.reachable", json("{\"a\": [\"b\"], \"b\": [\"c\"], \"c\": [\"a\"]}"), json("[\"a\"]")))
        .isEqualTo(set("a", "b", "c"));
    assertThat(call("graph.reachable", json("{\"a\": null}"), json("[\"a\"]"))).isEqualTo(set("a"));
    assertThat(call("graph.reachable", json("{\"a\": [\"zzz\"]}"), json("[\"a\"]"))).isEqualTo(set("a"));
  }

  @Test
  void reachableOperandErrors() {
    BuiltinException e = error("graph.reachable", NumberValue.of(1), json("[1]"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be object but got number");
    BuiltinException f = error("graph.reachable", json("{\"a\": []}"), str("a"));
    assertThat(f.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(f.getMessage()).isEqualTo("operand 2 must be {array, set} but got string");
    assertThat(error("graph.reachable_paths", NumberValue.of(1), json("[1]")).code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(error("graph.reachable_paths", json("{\"a\": []}"), str("a")).code()).isEqualTo(BuiltinException.TYPE_ERROR);
  }

  @Test
  void reachablePaths() {
    assertThat(call("graph.reachable_paths", ObjectValue.EMPTY, set("a"))).isEqualTo(SetValue.EMPTY);
    assertThat(call("graph.reachable_paths", graph("a", set("b"), "b", set("c"), "c", set("a")), set("a")))
        .isEqualTo(SetValue.of(json("[\"a\", \"b\", \"c\"]")));
    ObjectValue components = graph("a", set("b", "c"), "b", set("d"), "c", set("d"), "d", SetValue.EMPTY,
        "e", set("f"), "f", set("e"), "x", set("x"));
    assertThat(call("graph.reachable_paths", components, set("b", "e")))
        .isEqualTo(SetValue.of(json("[\"b\", \"d\"]"), json("[\"e\", \"f\"]")));
    assertThat(call("graph.reachable_paths", json("{\"a\": [\"b\"], \"b\": [\"c\"], \"c\": [\"a\"]}"), json("[\"a\"]")))
        .isEqualTo(SetValue.of(json("[\"a\", \"b\", \"c\"]")));
    assertThat(call("graph.reachable_paths", json("{\"a\": null}"), json("[\"a\"]")))
        .isEqualTo(SetValue.of(json("[\"a\"]")));
    assertThat(call("graph.reachable_paths", json("{\"a\": [\"b\", \"c\"], \"b\": [\"c\"], \"c\": []}"), set("a")))
        .isEqualTo(SetValue.of(json("[\"a\", \"b\", \"c\"]"), json("[\"a\", \"c\"]")));
    assertThat(call("graph.reachable_paths",
        json("{\"1\": [], \"2\": [\"1\"], \"3\": [\"2\"], \"4\": [\"3\", \"2\"], \"5\": [\"4\"]}"), json("[\"5\"]")))
        .isEqualTo(SetValue.of(json("[\"5\", \"4\", \"2\", \"1\"]"), json("[\"5\", \"4\", \"3\", \"2\", \"1\"]")));
    assertThat(call("graph.reachable_paths", json("{\"a\": [\"b\"], \"b\": [\"nonexistent\"]}"), set("a", "b")))
        .isEqualTo(SetValue.of(json("[\"a\", \"b\"]"), json("[\"b\"]")));
  }

  @Test
  void reachablePathsIssue1022() {
    Value g = json("{\"one\": [\"two\", \"five\"], \"two\": [\"four\"], \"three\": [\"\"], \"four\": [\"three\"], "
        + "\"five\": [\"seven\", \"six\"], \"six\": [\"nine\", \"seven\"], \"seven\": [\"eight\"], "
        + "\"eight\": [\"three\"], \"nine\": [\"\"]}");
    assertThat(call("graph.reachable_paths", g, set("one"))).isEqualTo(SetValue.of(
        json("[\"one\", \"five\", \"seven\", \"eight\", \"three\"]"), json("[\"one\", \"five\", \"six\", \"nine\"]"),
        json("[\"one\", \"five\", \"six\", \"seven\", \"eight\", \"three\"]"),
        json("[\"one\", \"two\", \"four\", \"three\"]")));
  }

  @Test
  void reachablePathsSelfLoopOnAnInitialNode() {
    // as OPA: the first step from an initial node is taken even when it returns to that node
    assertThat(call("graph.reachable_paths", json("{\"x\": [\"x\", \"y\"], \"y\": [\"x\"]}"), json("[\"x\"]")))
        .isEqualTo(SetValue.of(json("[\"x\", \"x\"]"), json("[\"x\", \"x\", \"y\"]"), json("[\"x\", \"y\"]")));
  }
}
