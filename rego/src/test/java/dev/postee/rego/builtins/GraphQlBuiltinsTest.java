package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

/** graphql.*: gqlparser's AST shapes, error texts and validation rules, as OPA exposes them. */
class GraphQlBuiltinsTest {
  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static Value s(String v) { return StringValue.of(v); }

  private static Value json(String text) { return Json.parse(text); }

  private static void assertError(String name, String message, Value... args) {
    assertThatThrownBy(() -> call(name, args)).isInstanceOf(BuiltinException.class).hasMessage(message)
        .extracting(e -> ((BuiltinException) e).code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
  }

  // ---- parse_query ----------------------------------------------------------------------------

  @Test
  void parseQuerySimple() {
    assertThat(call("graphql.parse_query", s("{hero {name}}"))).isEqualTo(json("""
        {"Operations": [{"Name": "", "Operation": "query", "SelectionSet": [{"Alias": "hero", "Name": "hero",
         "SelectionSet": [{"Alias": "name", "Name": "name"}]}]}]}"""));
  }

  @Test
  void parseQueryVariablesArgumentsAndFragments() {
    Value ast = call("graphql.parse_query", s("""
        query HeroForEpisode($ep: Episode!) {
          hero(episode: $ep) {
            name
            ... on Droid { primaryFunction }
          }
        }"""));
    assertThat(ast).isEqualTo(json("""
        {"Operations": [{"Name": "HeroForEpisode", "Operation": "query",
          "SelectionSet": [{"Alias": "hero", "Name": "hero",
            "Arguments": [{"Name": "episode", "Value": {"ExpectedTypeHasDefault": false, "Kind": 0, "Raw": "ep"}}],
            "SelectionSet": [{"Alias": "name", "Name": "name"},
              {"SelectionSet": [{"Alias": "primaryFunction", "Name": "primaryFunction"}], "TypeCondition": "Droid"}]}],
          "VariableDefinitions": [{"Type": {"NamedType": "Episode", "NonNull": true}, "Used": false,
            "Variable": "ep"}]}]}"""));
  }

  @Test
  void parseQueryValueKinds() {
    Value ast = call("graphql.parse_query", s(
        "{ f(i: 4, fl: 1.5e3, s: \"x\\u0041\", b: \"\"\"\n    block \\\"\"\"\n  \"\"\", t: true, n: null, e: RED, "
            + "l: [1], o: {a: $v}) }"));
    Value args = ((ObjectValue) ((ArrayValue) ((ObjectValue) ((ArrayValue) ((ObjectValue) ast).get("Operations"))
        .get(0)).get("SelectionSet")).get(0)).get("Arguments");
    assertThat(args).isEqualTo(json("""
        [{"Name": "i", "Value": {"ExpectedTypeHasDefault": false, "Kind": 1, "Raw": "4"}},
         {"Name": "fl", "Value": {"ExpectedTypeHasDefault": false, "Kind": 2, "Raw": "1.5e3"}},
         {"Name": "s", "Value": {"ExpectedTypeHasDefault": false, "Kind": 3, "Raw": "xA"}},
         {"Name": "b", "Value": {"ExpectedTypeHasDefault": false, "Kind": 4, "Raw": "block \\"\\"\\""}},
         {"Name": "t", "Value": {"ExpectedTypeHasDefault": false, "Kind": 5, "Raw": "true"}},
         {"Name": "n", "Value": {"ExpectedTypeHasDefault": false, "Kind": 6, "Raw": "null"}},
         {"Name": "e", "Value": {"ExpectedTypeHasDefault": false, "Kind": 7, "Raw": "RED"}},
         {"Name": "l", "Value": {"Children": [{"Name": "", "Value": {"ExpectedTypeHasDefault": false, "Kind": 1,
           "Raw": "1"}}], "ExpectedTypeHasDefault": false, "Kind": 8, "Raw": ""}},
         {"Name": "o", "Value": {"Children": [{"Name": "a", "Value": {"ExpectedTypeHasDefault": false, "Kind": 0,
           "Raw": "v"}}], "ExpectedTypeHasDefault": false, "Kind": 9, "Raw": ""}}]"""));
  }

  @Test
  void parseQueryKeepsMultiByteCharactersAndSkipsComments() {
    assertThat(call("graphql.parse_query", s("# ਊ comment\n{ field(arg: \"Has a ਊ char.\") }"))).isEqualTo(json("""
        {"Operations": [{"Name": "", "Operation": "query", "SelectionSet": [{"Alias": "field", "Name": "field",
          "Arguments": [{"Name": "arg", "Value": {"ExpectedTypeHasDefault": false, "Kind": 3,
            "Raw": "Has a ਊ char."}}]}]}]}"""));
  }

  @Test
  void parseQueryFragmentsWithVariablesAndDirectives() {
    assertThat(call("graphql.parse_query", s("fragment a($v: Boolean = false) on t { f(v: $v) @skip(if: $v) }")))
        .isEqualTo(json("""
            {"Fragments": [{"Name": "a", "TypeCondition": "t",
              "SelectionSet": [{"Alias": "f", "Name": "f",
                "Arguments": [{"Name": "v", "Value": {"ExpectedTypeHasDefault": false, "Kind": 0, "Raw": "v"}}],
                "Directives": [{"Arguments": [{"Name": "if", "Value": {"ExpectedTypeHasDefault": false, "Kind": 0,
                  "Raw": "v"}}], "Location": "", "Name": "skip"}]}],
              "VariableDefinition": [{"DefaultValue": {"ExpectedTypeHasDefault": false, "Kind": 5, "Raw": "false"},
                "Type": {"NamedType": "Boolean", "NonNull": false}, "Used": false, "Variable": "v"}]}]}"""));
  }

  @Test
  void emptyQueryIsAnEmptyObject() {
    assertThat(call("graphql.parse_query", s(""))).isEqualTo(ObjectValue.EMPTY);
  }

  @Test
  void parseQueryErrors() {
    String suffix = " in GraphQL string at location ";
    assertError("graphql.parse_query", "Expected Name, found <EOF>" + suffix + "1:2", s("{"));
    assertError("graphql.parse_query", "Expected \"on\", found Name \"Type\"" + suffix + "3:22",
        s("\n  { ...MissingOn }\n  fragment MissingOn Type\n"));
    assertError("graphql.parse_query", "Expected Name, found {" + suffix + "1:10", s("{ field: {} }"));
    assertError("graphql.parse_query", "Unexpected Name \"notanoperation\"" + suffix + "1:1",
        s("notanoperation Foo { field }"));
    assertError("graphql.parse_query", "Unexpected ..." + suffix + "1:1", s("..."));
    assertError("graphql.parse_query", "Unexpected $" + suffix + "1:37",
        s("query Foo($x: Complex = { a: { b: [ $var ] } }) { field }"));
    assertError("graphql.parse_query", "Unexpected Name \"on\"" + suffix + "1:10", s("fragment on on on { on }"));
    assertError("graphql.parse_query", "Expected Name, found }" + suffix + "1:9", s("{ ...on }"));
    assertError("graphql.parse_query", "Expected {, found }" + suffix + "1:16", s("{__typename{...}}"));
    assertError("graphql.parse_query", "expected at least one definition, found }" + suffix + "1:21",
        s("{...{__typename{...{}}}}"));
  }

  // ---- parse_schema ---------------------------------------------------------------------------

  @Test
  void parseSchemaShapes() {
    assertThat(call("graphql.parse_schema", s("\"\"\"\n  Description\n  \"\"\"\ntype Hello implements & Wo & rld "
        + "{ world(flag: Boolean = true, things: [String]): String @deprecated }"))).isEqualTo(json("""
        {"Definitions": [{"BuiltIn": false, "Description": "Description", "Interfaces": ["Wo", "rld"],
          "Kind": "OBJECT", "Name": "Hello",
          "Fields": [{"Description": "", "Name": "world", "Type": {"NamedType": "String", "NonNull": false},
            "Directives": [{"Location": "", "Name": "deprecated"}],
            "Arguments": [
              {"DefaultValue": {"ExpectedTypeHasDefault": false, "Kind": 5, "Raw": "true"}, "Description": "",
               "Name": "flag", "Type": {"NamedType": "Boolean", "NonNull": false}},
              {"Description": "", "Name": "things", "Type": {"Elem": {"NamedType": "String", "NonNull": false},
               "NamedType": "", "NonNull": false}}]}]}]}"""));
  }

  @Test
  void parseSchemaOtherDefinitions() {
    assertThat(call("graphql.parse_schema", s("""
        schema { query: Query }
        extend schema @directive
        union U = | A | B
        enum E { X, Y }
        scalar S
        directive @foo repeatable on FIELD | QUERY
        extend type T implements I"""))).isEqualTo(json("""
        {"Schema": [{"Description": "", "OperationTypes": [{"Operation": "query", "Type": "Query"}]}],
         "SchemaExtension": [{"Description": "", "Directives": [{"Location": "", "Name": "directive"}]}],
         "Definitions": [
           {"BuiltIn": false, "Description": "", "Kind": "UNION", "Name": "U", "Types": ["A", "B"]},
           {"BuiltIn": false, "Description": "", "EnumValues": [{"Description": "", "Name": "X"},
             {"Description": "", "Name": "Y"}], "Kind": "ENUM", "Name": "E"},
           {"BuiltIn": false, "Description": "", "Kind": "SCALAR", "Name": "S"}],
         "Directives": [{"Description": "", "IsRepeatable": true, "Locations": ["FIELD", "QUERY"], "Name": "foo"}],
         "Extensions": [{"BuiltIn": false, "Description": "", "Interfaces": ["I"], "Kind": "OBJECT",
           "Name": "T"}]}"""));
  }

  @Test
  void parseSchemaErrors() {
    String suffix = " in GraphQL string at location ";
    assertError("graphql.parse_schema", "expected at least one definition, found }" + suffix + "1:13",
        s("type Hello {}"));
    assertError("graphql.parse_schema", "Unexpected <EOF>" + suffix + "1:18", s("extend type Hello"));
    assertError("graphql.parse_schema", "Unexpected String \"Description\"" + suffix + "2:4",
        s("\n  \"Description\"\n  extend type Hello { world: String }"));
    assertError("graphql.parse_schema", "Unexpected String \"Description\"" + suffix + "2:11",
        s("\n  extend \"Description\" type Hello { world: String }"));
    assertError("graphql.parse_schema", "Unexpected <EOF>" + suffix + "1:14", s("extend schema"));
    assertError("graphql.parse_schema", "Expected Name, found |" + suffix + "1:16", s("union Hello = || Wo | Rld"));
    assertError("graphql.parse_schema", "Expected Name, found <EOF>" + suffix + "1:27", s("union Hello = | Wo | Rld |"));
    assertError("graphql.parse_schema", "Expected :, found (" + suffix + "3:10",
        s("\n  input Hello {\n    world(foo: Int): String\n  }"));
    assertError("graphql.parse_schema", "Unexpected Name \"INCORRECT_LOCATION\"" + suffix + "1:27",
        s("directive @foo on FIELD | INCORRECT_LOCATION"));
    assertError("graphql.parse_schema", "Expected Name, found <EOF>" + suffix + "1:13", s("type o{d(g:["));
    assertError("graphql.parse_schema", "Unexpected <Invalid>" + suffix + "2:1", s("\"\"\"\r"));
  }

  // ---- schema_is_valid ------------------------------------------------------------------------

  private static boolean schemaValid(String schema) {
    return ((BooleanValue) call("graphql.schema_is_valid", s(schema))).value();
  }

  @Test
  void schemaValidity() {
    assertThat(schemaValid("type Hello { world: String }")).isTrue();
    assertThat(schemaValid("extend type User { id: ID! } union _Entity = User extend type Query { e: _Entity }"))
        .isTrue();
    assertThat(schemaValid("type Query { x: Int } directive @d(a: String = \"b\") on SCHEMA extend schema @d"))
        .isTrue();
    assertThat(schemaValid("type D { f: String @deprecated } enum E { A @deprecated }")).isTrue();
    assertThat(schemaValid("directive @onField on FIELD")).isTrue();
    assertThat(schemaValid("type Hello {}")).isFalse();
    assertThat(schemaValid("extend type Hello implements Greeting")).isFalse();
    assertThat(schemaValid("extend scalar Foo @deprecated extend type Foo @deprecated")).isFalse();
    assertThat(schemaValid("schema { query: Query }")).isFalse();
    assertThat(schemaValid("type Hello implements World { field: String }")).isFalse();
    assertThat(schemaValid("union Hello = World")).isFalse();
    assertThat(schemaValid("interface IA { id: ID! } interface IIA implements IA { id: ID! } "
        + "type A implements IIA { id: ID! }")).isFalse();
    assertThat(schemaValid("type Query { p: Pupil } type Pupil { f: [Pupil!]! } input In { f: [Pupil] }")).isFalse();
  }

  @Test
  void schemaObjectsAreValidatedToo() {
    Value ast = call("graphql.parse_schema", s("type Query { p: Pupil } type Pupil { f: [Pupil!]! } input In { f: [Pupil] }"));
    assertThat(call("graphql.schema_is_valid", ast)).isEqualTo(BooleanValue.of(false));
    Value good = call("graphql.parse_schema", s("type Query { x: Int }"));
    assertThat(call("graphql.schema_is_valid", good)).isEqualTo(BooleanValue.of(true));
  }

  // ---- is_valid, parse, parse_and_verify -----------------------------------------------------

  private static final String LOCALE_SCHEMA = """
      extend type Query { myAction(myEnum: Locale!): SomeResult! }
      type SomeResult { id: String }
      enum Locale { EN LT DE }""";

  private static boolean valid(String query, String schema) {
    return ((BooleanValue) call("graphql.is_valid", s(query), s(schema))).value();
  }

  @Test
  void queryValidation() {
    assertThat(valid("query Op($l: Locale! = DE) { myAction(myEnum: $l) { id } }", LOCALE_SCHEMA)).isTrue();
    assertThat(valid("query Op { myAction { id } }", LOCALE_SCHEMA)).isFalse();
    assertThat(valid("query Op { myAction(myEnum: FR) { id } }", LOCALE_SCHEMA)).isFalse();
    assertThat(valid("query Op { myAction(myEnum: EN) }", LOCALE_SCHEMA)).isFalse();
    assertThat(valid("query Op { myAction(myEnum: EN) { nope } }", LOCALE_SCHEMA)).isFalse();
    assertThat(valid("query Foo($flag: Boolean!) { ...Bar } fragment Bar on Query { bar @include(if: $flag) }",
        "type Query { bar: String! }")).isTrue();
    assertThat(valid("query Foo($flag: Boolean!) { bar }", "type Query { bar: String! }")).isFalse();
    assertThat(valid("mutation{x(a:b)}", "type Query { bar: String! } type Mutation { x: String! }")).isFalse();
    assertThat(valid("{ a: bar b: bar }", "type Query { bar: String }")).isTrue();
    assertThat(valid("{ a: bar a: baz }", "type Query { bar: String baz: String }")).isFalse();
    assertThat(valid("{ ...A } fragment A on Query { ...A }", "type Query { bar: String }")).isFalse();
    assertThat(valid("subscription { a b }", "type Query { x: Int } type Subscription { a: Int b: Int }")).isFalse();
    assertThat(valid("{ __typename }", "type Query { x: Int }")).isTrue();
    assertThat(valid("", "type Query { x: Int }")).isTrue();
  }

  @Test
  void parseReportsTheFirstValidationError() {
    assertError("graphql.parse", "Field \"myAction\" argument \"myEnum\" of type \"Locale!\" is required, but it was "
        + "not provided in GraphQL string at location 4:5",
        s("\n  query SomeOperation {\n    # no argument\n    myAction {\n      id\n    }\n  }\n"), s(LOCALE_SCHEMA));
    // OPA trims only a trailing ".\n" from gqlparser's error list, so other endings keep the newline.
    assertError("graphql.parse", "Cannot query field \"baz\" on type \"Query\". Did you mean \"bar\"?\n in GraphQL "
        + "string at location 1:3", s("{ baz }"), s("type Query { bar: String }"));
    assertError("graphql.parse", "Error in gqlparser SchemaDocument to Schema conversion: input:1:7: Undefined type "
        + "\"World\".", s("{ x }"), s("union Hello = World"));
  }

  @Test
  void parseReturnsBothAsts() {
    Value result = call("graphql.parse", s("query Op($l: Locale! = DE) { myAction(myEnum: $l) { id } }"),
        s(LOCALE_SCHEMA));
    ArrayValue pair = (ArrayValue) result;
    assertThat(pair.get(0)).isEqualTo(json("""
        {"Operations": [{"Name": "Op", "Operation": "query",
          "SelectionSet": [{"Alias": "myAction", "Name": "myAction",
            "Arguments": [{"Name": "myEnum", "Value": {"ExpectedTypeHasDefault": false, "Kind": 0, "Raw": "l"}}],
            "SelectionSet": [{"Alias": "id", "Name": "id"}]}],
          "VariableDefinitions": [{"DefaultValue": {"ExpectedTypeHasDefault": false, "Kind": 7, "Raw": "DE"},
            "Type": {"NamedType": "Locale", "NonNull": true}, "Used": false, "Variable": "l"}]}]}"""));
    assertThat(pair.get(1)).isEqualTo(call("graphql.parse_schema", s(LOCALE_SCHEMA)));
  }

  @Test
  void parseAndVerify() {
    ArrayValue ok = (ArrayValue) call("graphql.parse_and_verify", s("{ x }"), s("type Query { x: Int }"));
    assertThat(ok.get(0)).isEqualTo(BooleanValue.of(true));
    assertThat(ok.get(1)).isEqualTo(call("graphql.parse_query", s("{ x }")));
    assertThat(call("graphql.parse_and_verify", s("{ y }"), s("type Query { x: Int }")))
        .isEqualTo(ArrayValue.of(BooleanValue.of(false), ObjectValue.EMPTY, ObjectValue.EMPTY));
    assertThat(call("graphql.parse_and_verify", s("{"), s("type Query { x: Int }")))
        .isEqualTo(ArrayValue.of(BooleanValue.of(false), ObjectValue.EMPTY, ObjectValue.EMPTY));
  }

  @Test
  void astObjectsRoundTrip() {
    Value schema = call("graphql.parse_schema", s("""
        type Employee { id: String! salary: Int! }
        schema { query: Query }
        type Query { employeeByID(id: String): Employee }"""));
    Value query = call("graphql.parse_query", s("query { employeeByID(id: \"alice\") { salary }}"));
    assertThat(call("graphql.parse", query, schema)).isEqualTo(ArrayValue.of(query, schema));
    assertThat(call("graphql.is_valid", query, schema)).isEqualTo(BooleanValue.of(true));
  }

  @Test
  void astObjectsDecodeAsGoDoes() {
    Value schema = json("""
        {"Definitions": [
          {"BuiltIn": false, "Description": "", "Kind": "OBJECT", "Name": "Query",
           "Fields": [{"Description": "", "Name": "bar", "Type": {"NamedType": "String", "NonNull": true}}]},
          {"BuiltIn": false, "Description": "", "Kind": "OBJECT", "Name": "Mutation",
           "Fields": [{"Description": "", "Name": "x", "Type": {"NamedType": "String", "NonNull": true}}]}]}""");
    Value query = json("""
        {"Operations": [{"Name": "", "Operation": "mutation", "SelectionSet": [{"Alias": "x", "Name": "x",
          "Arguments": [{"Name": "a", "Value": {"Kind": 7, "Raw": "b"}}]}]}]}""");
    assertThat(call("graphql.is_valid", query, schema)).isEqualTo(BooleanValue.of(false));
    // Field names of plain structs match case-insensitively; unknown members are ignored.
    Value lower = json("{\"operations\": [{\"Operation\": \"query\", \"SelectionSet\": [{\"Name\": \"bar\", \"x\": 1}]}]}");
    assertThat(call("graphql.is_valid", lower, schema)).isEqualTo(BooleanValue.of(true));
    // Every selection object decodes as a field first, as in gqlparser.
    Value inline = json("{\"Operations\": [{\"Operation\": \"query\", \"SelectionSet\": "
        + "[{\"TypeCondition\": \"Query\", \"SelectionSet\": [{\"Alias\": \"bar\", \"Name\": \"bar\"}]}]}]}");
    assertThat(((ArrayValue) call("graphql.parse_and_verify", inline, schema)).get(0)).isEqualTo(BooleanValue.of(false));
    assertThatThrownBy(() -> call("graphql.parse", json("{\"Operations\": [{\"Name\": 1}]}"), schema))
        .hasMessage("json: cannot unmarshal number into Go struct field OperationDefinition.Name of type string");
  }
}
