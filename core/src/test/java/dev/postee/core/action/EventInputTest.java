package dev.postee.core.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.rego.value.Json;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class EventInputTest {
  private static final Value EVENT = Json.parse("""
      {"a": {"b": [{"c": "deep"}, 2.5], "0": "key zero", "with-dash": "ok", "n": null},
       "list": [[1, 2], [3]], "s": "text with event.input.a.n inside"}
      """);

  @Test
  void dottedPathsWalkObjectsAndNumericSegmentsIndexArrays() {
    assertThat(EventInput.resolve(EVENT, "a.b.0.c")).isEqualTo(StringValue.of("deep"));
    assertThat(EventInput.resolve(EVENT, "list.0.1").toJson()).isEqualTo("2");
    assertThat(EventInput.resolve(EVENT, "a.0")).isEqualTo(StringValue.of("key zero"));
  }

  @Test
  void missingPathsAndWrongShapesResolveToNothing() {
    assertThat(EventInput.resolve(EVENT, "a.x")).isNull();
    assertThat(EventInput.resolve(EVENT, "list.5")).isNull();
    assertThat(EventInput.resolve(EVENT, "list.first")).isNull();
    assertThat(EventInput.resolve(EVENT, "s.length")).isNull();
  }

  @Test
  void stringsAreInsertedRawAndOtherValuesAsCompactJson() {
    assertThat(EventInput.substitute("v=event.input.a.b.1 o=event.input.a.b.0 n=event.input.a.n d=event.input.a.with-dash",
        EVENT)).isEqualTo("v=2.5 o={\"c\":\"deep\"} n=null d=ok");
  }

  @Test
  void unknownPathsBecomeEmptyAndATrailingDotEndsTheReference() {
    assertThat(EventInput.substitute("[event.input.nothing.here] is event.input.a.b.0.c.", EVENT))
        .isEqualTo("[] is deep.");
  }

  @Test
  void onlyWholeReferencesAreReplacedAndInsertedValuesAreNotRescanned() {
    assertThat(EventInput.substitute("myevent.input.a.0 event.input.s", EVENT))
        .isEqualTo("myevent.input.a.0 text with event.input.a.n inside");
  }

  @Test
  void withoutAnEventEveryReferenceIsEmpty() {
    assertThat(EventInput.substitute("id=event.input.id;", null)).isEqualTo("id=;");
  }
}
