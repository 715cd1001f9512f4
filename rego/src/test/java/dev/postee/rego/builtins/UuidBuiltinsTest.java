package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.rego.value.Json;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class UuidBuiltinsTest {
  private static final Value V2 = Json.parse("{\"clocksequence\": 12800, \"domain\": \"Person\", \"id\": 1000, "
      + "\"macvariables\": \"local:unicast\", \"nodeid\": \"32-50-96-b3-9f-47\", \"time\": 1693566990121469600, "
      + "\"variant\": \"RFC4122\", \"version\": 2}");

  private static Value call(BuiltinContext ctx, String name, Value arg) {
    return BuiltinRegistry.standard().lookup(name).function().call(ctx, new Value[] {arg});
  }

  private static Value parse(String s) {
    return call(new DefaultBuiltinContext(), "uuid.parse", StringValue.of(s));
  }

  @Test
  void rfc4122IsAVersion4UuidStablePerArgument() {
    BuiltinContext ctx = new DefaultBuiltinContext();
    Value a = call(ctx, "uuid.rfc4122", StringValue.of("key"));
    assertThat(((StringValue) a).value()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    for (int i = 0; i < 100; i++) assertThat(call(ctx, "uuid.rfc4122", StringValue.of("key"))).isEqualTo(a);
    assertThat(call(ctx, "uuid.rfc4122", StringValue.of("other"))).isNotEqualTo(a);
    assertThat(call(new DefaultBuiltinContext(), "uuid.rfc4122", StringValue.of("key"))).isNotEqualTo(a);
    assertThat(parse(((StringValue) a).value())).isEqualTo(Json.parse("{\"variant\": \"RFC4122\", \"version\": 4}"));
  }

  @Test
  void parseVersions() {
    assertThat(parse("00000000-0000-4000-8000-000000000000")).isEqualTo(Json.parse("{\"variant\": \"RFC4122\", \"version\": 4}"));
    assertThat(parse("000003e8-48b9-21ee-b200-325096b39f47")).isEqualTo(V2);
    assertThat(parse("38074da4-0b00-388d-9c3c-362de965547a")).isEqualTo(Json.parse("{\"variant\": \"RFC4122\", \"version\": 3}"));
    assertThat(parse("00000000-0000-5cd1-84e0-9bab06a52ece")).isEqualTo(Json.parse("{\"variant\": \"RFC4122\", \"version\": 5}"));
    assertThat(parse("c2fc67c2-47f2-11ee-b67a-9f3619c7493f")).isEqualTo(Json.parse("{\"clocksequence\": 13946, "
        + "\"macvariables\": \"local:multicast\", \"nodeid\": \"9f-36-19-c7-49-3f\", \"time\": 1693481847404333000, "
        + "\"variant\": \"RFC4122\", \"version\": 1}"));
    assertThat(parse("00000000-0000-fcd1-f4e0-9bab06a52ece")).isEqualTo(Json.parse("{\"variant\": \"Future\", \"version\": 15}"));
    assertThat(parse("00000000-0000-4000-c000-000000000000").toString()).contains("\"Microsoft\"");
    assertThat(parse("00000000-0000-4000-0000-000000000000").toString()).contains("\"Reserved\"");
  }

  @Test
  void parseInputFormats() {
    Value v4 = Json.parse("{\"variant\": \"RFC4122\", \"version\": 4}");
    assertThat(parse("{00000000-0000-4000-8000-000000000000}")).isEqualTo(v4);
    assertThat(parse("(00000000-0000-4000-8000-000000000000)")).isEqualTo(v4);
    assertThat(parse("urn:uuid:000003e8-48b9-21ee-b200-325096b39f47")).isEqualTo(V2);
    assertThat(parse("URN:UUID:000003e8-48b9-21ee-b200-325096b39f47")).isEqualTo(V2);
    assertThat(parse("6bea8ef2d3d33cd184e09bab06a52ece")).isEqualTo(Json.parse("{\"variant\": \"RFC4122\", \"version\": 3}"));
    assertThat(parse("00000000000040008000000000000000")).isEqualTo(v4);
    assertThat(parse("00000000-0000-4000-8000-00000000000A")).isEqualTo(v4);
  }

  @Test
  void invalidInputIsUndefined() {
    assertThat(parse("00000000000-123-222-222")).isNull();
    assertThat(parse("HijVnnS1-GGGG-1234-12345678")).isNull();
    assertThat(parse("00000000-0000-4000-8000-00000000000g")).isNull();
    assertThat(parse("00000000+0000-4000-8000-000000000000")).isNull();
    assertThat(parse("urx:uuid:000003e8-48b9-21ee-b200-325096b39f47")).isNull();
    assertThat(parse("")).isNull();
    assertThat(parse("00000000-0000-4000-8000-0000000000é")).isNull();
  }

  @Test
  void timeIsUnixNanoseconds() {
    Value v1 = parse("c2fc67c2-47f2-11ee-b67a-9f3619c7493f");
    assertThat(v1.toString()).contains("\"time\": 1693481847404333000");
    assertThat(((dev.postee.rego.value.ObjectValue) v1).get("time")).isInstanceOf(NumberValue.class);
  }
}
