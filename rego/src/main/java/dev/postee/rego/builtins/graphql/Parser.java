package dev.postee.rego.builtins.graphql;

import dev.postee.rego.value.Formatter;
import dev.postee.rego.builtins.graphql.Ast.*;
import dev.postee.rego.builtins.graphql.Lexer.Kind;
import dev.postee.rego.builtins.graphql.Lexer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for GraphQL query and schema documents, mirroring gqlparser's parser
 * so that the same inputs fail with the same first error at the same place. After the first error
 * the parser keeps unwinding (as the Go code does) but no longer consumes input.
 */
final class Parser {
  private final Lexer lexer;
  private GqlError err;
  private boolean peeked;
  private Token peekToken;
  private Token prev = new Token(Kind.INVALID, "", 0, 0, null);

  private Parser(String source) { this.lexer = new Lexer(source); }

  static QueryDocument parseQuery(String source) {
    Parser p = new Parser(source);
    QueryDocument doc = p.queryDocument();
    if (p.err != null) throw new GqlError.Failure(p.err);
    return doc;
  }

  static SchemaDocument parseSchema(String source, boolean builtIn) {
    Parser p = new Parser(source);
    SchemaDocument doc = p.schemaDocument();
    if (p.err != null) throw new GqlError.Failure(p.err);
    if (doc.definitions != null) for (Definition d : doc.definitions) d.builtIn = builtIn;
    if (doc.extensions != null) for (Definition d : doc.extensions) d.builtIn = builtIn;
    return doc;
  }

  // ---- token plumbing -------------------------------------------------------------------------

  private Token peek() {
    if (err != null) return prev;
    if (!peeked) {
      peekToken = lexer.next();
      peeked = true;
    }
    return peekToken;
  }

  private Position peekPos() { return err != null ? null : peek().position(); }

  private Token next() {
    if (err != null) return prev;
    if (peeked) {
      peeked = false;
      prev = peekToken;
    } else {
      prev = lexer.next();
    }
    if (prev.error() != null) err = prev.error();
    return prev;
  }

  private void error(Token tok, String message) {
    if (err == null) err = new GqlError(message, tok.line(), tok.column());
  }

  private Token expect(Kind kind) {
    Token tok = peek();
    if (tok.kind() == kind) return next();
    error(tok, "Expected " + kind + ", found " + tok.kind());
    return tok;
  }

  private Token expectKeyword(String value) {
    Token tok = peek();
    if (tok.kind() == Kind.NAME && tok.value().equals(value)) return next();
    error(tok, "Expected " + Formatter.goQuote(value) + ", found " + tok);
    return tok;
  }

  private boolean skip(Kind kind) {
    if (err != null) return false;
    if (peek().kind() != kind) return false;
    next();
    return true;
  }

  private void unexpectedError() { unexpectedToken(peek()); }

  private void unexpectedToken(Token tok) { error(tok, "Unexpected " + tok); }

  private void many(Kind start, Kind end, Runnable item) {
    if (!skip(start)) return;
    while (peek().kind() != end && err == null) item.run();
    next();
  }

  private void some(Kind start, Kind end, Runnable item) {
    if (!skip(start)) return;
    boolean called = false;
    while (peek().kind() != end && err == null) {
      called = true;
      item.run();
    }
    if (!called) {
      error(peek(), "expected at least one definition, found " + peek().kind());
      return;
    }
    next();
  }

  private String parseName() { return expect(Kind.NAME).value(); }

  // ---- query documents ------------------------------------------------------------------------

  private QueryDocument queryDocument() {
    QueryDocument doc = new QueryDocument();
    while (peek().kind() != Kind.EOF) {
      if (err != null) return doc;
      Token tok = peek();
      if (tok.kind() == Kind.NAME) {
        switch (tok.value()) {
          case "query", "mutation", "subscription" -> doc.operations = add(doc.operations, operationDefinition());
          case "fragment" -> doc.fragments = add(doc.fragments, fragmentDefinition());
          default -> unexpectedError();
        }
      } else if (tok.kind() == Kind.BRACE_L) {
        doc.operations = add(doc.operations, operationDefinition());
      } else {
        unexpectedError();
      }
    }
    return doc;
  }

  private static <T> List<T> add(List<T> list, T item) {
    List<T> l = list == null ? new ArrayList<>() : list;
    l.add(item);
    return l;
  }

  private OperationDefinition operationDefinition() {
    OperationDefinition od = new OperationDefinition();
    if (peek().kind() == Kind.BRACE_L) {
      od.position = peekPos();
      od.operation = "query";
      od.selectionSet = requiredSelectionSet();
      return od;
    }
    od.position = peekPos();
    od.operation = operationType();
    if (peek().kind() == Kind.NAME) od.name = next().value();
    od.variableDefinitions = variableDefinitions();
    od.directives = directives(false);
    od.selectionSet = requiredSelectionSet();
    return od;
  }

  private String operationType() {
    Token tok = next();
    switch (tok.value()) {
      case "query", "mutation", "subscription" -> { return tok.value(); }
      default -> {
        unexpectedToken(tok);
        return "";
      }
    }
  }

  private List<VariableDefinition> variableDefinitions() {
    List<VariableDefinition> defs = new ArrayList<>();
    many(Kind.PAREN_L, Kind.PAREN_R, () -> defs.add(variableDefinition()));
    return defs.isEmpty() ? null : defs;
  }

  private VariableDefinition variableDefinition() {
    VariableDefinition def = new VariableDefinition();
    def.position = peekPos();
    def.variable = variable();
    expect(Kind.COLON);
    def.type = typeReference();
    if (skip(Kind.EQUALS)) def.defaultValue = valueLiteral(true);
    def.directives = directives(false);
    return def;
  }

  private String variable() {
    expect(Kind.DOLLAR);
    return parseName();
  }

  private List<Selection> optionalSelectionSet() {
    List<Selection> selections = new ArrayList<>();
    some(Kind.BRACE_L, Kind.BRACE_R, () -> selections.add(selection()));
    return selections.isEmpty() ? null : selections;
  }

  private List<Selection> requiredSelectionSet() {
    if (peek().kind() != Kind.BRACE_L) {
      error(peek(), "Expected " + Kind.BRACE_L + ", found " + peek().kind());
      return null;
    }
    return optionalSelectionSet();
  }

  private Selection selection() {
    return peek().kind() == Kind.SPREAD ? fragment() : field();
  }

  private Field field() {
    Field field = new Field();
    field.position = peekPos();
    field.alias = parseName();
    field.name = skip(Kind.COLON) ? parseName() : field.alias;
    field.arguments = arguments(false);
    field.directives = directives(false);
    if (peek().kind() == Kind.BRACE_L) field.selectionSet = optionalSelectionSet();
    return field;
  }

  private List<Argument> arguments(boolean isConst) {
    List<Argument> args = new ArrayList<>();
    many(Kind.PAREN_L, Kind.PAREN_R, () -> args.add(argument(isConst)));
    return args.isEmpty() ? null : args;
  }

  private Argument argument(boolean isConst) {
    Argument arg = new Argument();
    arg.position = peekPos();
    arg.name = parseName();
    expect(Kind.COLON);
    arg.value = valueLiteral(isConst);
    return arg;
  }

  private Selection fragment() {
    expect(Kind.SPREAD);
    Token peek = peek();
    if (peek.kind() == Kind.NAME && !peek.value().equals("on")) {
      FragmentSpread spread = new FragmentSpread();
      spread.position = peekPos();
      spread.name = fragmentName();
      spread.directives = directives(false);
      return spread;
    }
    InlineFragment def = new InlineFragment();
    def.position = peekPos();
    if (peek().value().equals("on")) {
      next();
      def.typeCondition = parseName();
    }
    def.directives = directives(false);
    def.selectionSet = requiredSelectionSet();
    return def;
  }

  private FragmentDefinition fragmentDefinition() {
    FragmentDefinition def = new FragmentDefinition();
    def.position = peekPos();
    expectKeyword("fragment");
    def.name = fragmentName();
    def.variableDefinition = variableDefinitions();
    expectKeyword("on");
    def.typeCondition = parseName();
    def.directives = directives(false);
    def.selectionSet = requiredSelectionSet();
    return def;
  }

  private String fragmentName() {
    if (peek().value().equals("on")) {
      unexpectedError();
      return "";
    }
    return parseName();
  }

  private Value valueLiteral(boolean isConst) {
    Token token = peek();
    int kind;
    switch (token.kind()) {
      case BRACKET_L: return list(isConst);
      case BRACE_L: return object(isConst);
      case DOLLAR:
        if (isConst) {
          unexpectedError();
          return null;
        }
        Value var = new Value();
        var.position = token.position();
        var.raw = variable();
        var.kind = Ast.VARIABLE;
        return var;
      case INT: kind = Ast.INT_VALUE; break;
      case FLOAT: kind = Ast.FLOAT_VALUE; break;
      case STRING: kind = Ast.STRING_VALUE; break;
      case BLOCK_STRING: kind = Ast.BLOCK_VALUE; break;
      case NAME:
        kind = switch (token.value()) {
          case "true", "false" -> Ast.BOOLEAN_VALUE;
          case "null" -> Ast.NULL_VALUE;
          default -> Ast.ENUM_VALUE;
        };
        break;
      default:
        unexpectedError();
        return null;
    }
    next();
    Value v = new Value();
    v.position = token.position();
    v.raw = token.value();
    v.kind = kind;
    return v;
  }

  private Value list(boolean isConst) {
    Value v = new Value();
    v.position = peekPos();
    v.kind = Ast.LIST_VALUE;
    List<ChildValue> values = new ArrayList<>();
    many(Kind.BRACKET_L, Kind.BRACKET_R, () -> {
      ChildValue c = new ChildValue();
      c.value = valueLiteral(isConst);
      values.add(c);
    });
    v.children = values.isEmpty() ? null : values;
    return v;
  }

  private Value object(boolean isConst) {
    Value v = new Value();
    v.position = peekPos();
    v.kind = Ast.OBJECT_VALUE;
    List<ChildValue> fields = new ArrayList<>();
    many(Kind.BRACE_L, Kind.BRACE_R, () -> {
      ChildValue c = new ChildValue();
      c.position = peekPos();
      c.name = parseName();
      expect(Kind.COLON);
      c.value = valueLiteral(isConst);
      fields.add(c);
    });
    v.children = fields.isEmpty() ? null : fields;
    return v;
  }

  private List<Directive> directives(boolean isConst) {
    List<Directive> dirs = new ArrayList<>();
    while (peek().kind() == Kind.AT) {
      if (err != null) break;
      expect(Kind.AT);
      Directive d = new Directive();
      d.position = peekPos();
      d.name = parseName();
      d.arguments = arguments(isConst);
      dirs.add(d);
    }
    return dirs.isEmpty() ? null : dirs;
  }

  private Type typeReference() {
    Type typ = new Type();
    if (skip(Kind.BRACKET_L)) {
      typ.position = peekPos();
      typ.elem = typeReference();
      expect(Kind.BRACKET_R);
    } else {
      typ.position = peekPos();
      typ.namedType = parseName();
    }
    if (skip(Kind.BANG)) typ.nonNull = true;
    return typ;
  }

  // ---- schema documents -----------------------------------------------------------------------

  private SchemaDocument schemaDocument() {
    SchemaDocument doc = new SchemaDocument();
    while (peek().kind() != Kind.EOF) {
      if (err != null) return doc;
      String description = "";
      boolean hasDescription = false;
      if (peek().kind() == Kind.BLOCK_STRING || peek().kind() == Kind.STRING) {
        description = next().value();
        hasDescription = true;
      }
      if (peek().kind() != Kind.NAME) {
        unexpectedError();
        break;
      }
      switch (peek().value()) {
        case "scalar", "type", "interface", "union", "enum", "input" ->
            doc.definitions = add(doc.definitions, typeSystemDefinition(description));
        case "schema" -> doc.schema = add(doc.schema, schemaDefinition(description));
        case "directive" -> doc.directives = add(doc.directives, directiveDefinition(description));
        case "extend" -> {
          if (hasDescription && !description.isEmpty()) unexpectedToken(prev);
          typeSystemExtension(doc);
        }
        default -> {
          unexpectedError();
          return doc;
        }
      }
    }
    return doc;
  }

  private String description() {
    Token token = peek();
    if (token.kind() != Kind.BLOCK_STRING && token.kind() != Kind.STRING) return "";
    return next().value();
  }

  private Definition typeSystemDefinition(String description) {
    Token tok = peek();
    return switch (tok.value()) {
      case "scalar" -> scalarDefinition(description);
      case "type" -> objectDefinition(description);
      case "interface" -> interfaceDefinition(description);
      case "union" -> unionDefinition(description);
      case "enum" -> enumDefinition(description);
      case "input" -> inputObjectDefinition(description);
      default -> {
        unexpectedError();
        yield null;
      }
    };
  }

  private SchemaDefinition schemaDefinition(String description) {
    expectKeyword("schema");
    SchemaDefinition def = new SchemaDefinition();
    def.position = peekPos();
    def.description = description;
    def.directives = directives(true);
    List<OperationTypeDefinition> ops = new ArrayList<>();
    some(Kind.BRACE_L, Kind.BRACE_R, () -> ops.add(operationTypeDefinition()));
    def.operationTypes = ops.isEmpty() ? null : ops;
    return def;
  }

  private OperationTypeDefinition operationTypeDefinition() {
    OperationTypeDefinition op = new OperationTypeDefinition();
    op.position = peekPos();
    op.operation = operationType();
    expect(Kind.COLON);
    op.type = parseName();
    return op;
  }

  private Definition newDefinition(String kind, String description) {
    Definition def = new Definition();
    def.position = peekPos();
    def.kind = kind;
    def.description = description;
    return def;
  }

  private Definition scalarDefinition(String description) {
    expectKeyword("scalar");
    Definition def = newDefinition(Ast.SCALAR, description);
    def.name = parseName();
    def.directives = directives(true);
    return def;
  }

  private Definition objectDefinition(String description) {
    expectKeyword("type");
    Definition def = newDefinition(Ast.OBJECT, description);
    def.name = parseName();
    def.interfaces = implementsInterfaces();
    def.directives = directives(true);
    def.fields = fieldsDefinition();
    return def;
  }

  private List<String> implementsInterfaces() {
    List<String> types = new ArrayList<>();
    if (peek().value().equals("implements")) {
      next();
      skip(Kind.AMP);
      types.add(parseName());
      while (skip(Kind.AMP) && err == null) types.add(parseName());
    }
    return types.isEmpty() ? null : types;
  }

  private List<FieldDefinition> fieldsDefinition() {
    List<FieldDefinition> defs = new ArrayList<>();
    some(Kind.BRACE_L, Kind.BRACE_R, () -> defs.add(fieldDefinition()));
    return defs.isEmpty() ? null : defs;
  }

  private FieldDefinition fieldDefinition() {
    FieldDefinition def = new FieldDefinition();
    def.position = peekPos();
    def.description = description();
    def.name = parseName();
    def.arguments = argumentDefs();
    expect(Kind.COLON);
    def.type = typeReference();
    def.directives = directives(true);
    return def;
  }

  private List<ArgumentDefinition> argumentDefs() {
    List<ArgumentDefinition> args = new ArrayList<>();
    some(Kind.PAREN_L, Kind.PAREN_R, () -> args.add(argumentDef()));
    return args.isEmpty() ? null : args;
  }

  private ArgumentDefinition argumentDef() {
    ArgumentDefinition def = new ArgumentDefinition();
    def.position = peekPos();
    def.description = description();
    def.name = parseName();
    expect(Kind.COLON);
    def.type = typeReference();
    if (skip(Kind.EQUALS)) def.defaultValue = valueLiteral(true);
    def.directives = directives(true);
    return def;
  }

  private FieldDefinition inputValueDef() {
    FieldDefinition def = new FieldDefinition();
    def.position = peekPos();
    def.description = description();
    def.name = parseName();
    expect(Kind.COLON);
    def.type = typeReference();
    if (skip(Kind.EQUALS)) def.defaultValue = valueLiteral(true);
    def.directives = directives(true);
    return def;
  }

  private Definition interfaceDefinition(String description) {
    expectKeyword("interface");
    Definition def = newDefinition(Ast.INTERFACE, description);
    def.name = parseName();
    def.interfaces = implementsInterfaces();
    def.directives = directives(true);
    def.fields = fieldsDefinition();
    return def;
  }

  private Definition unionDefinition(String description) {
    expectKeyword("union");
    Definition def = newDefinition(Ast.UNION, description);
    def.name = parseName();
    def.directives = directives(true);
    def.types = unionMemberTypes();
    return def;
  }

  private List<String> unionMemberTypes() {
    List<String> types = new ArrayList<>();
    if (skip(Kind.EQUALS)) {
      skip(Kind.PIPE);
      types.add(parseName());
      while (skip(Kind.PIPE) && err == null) types.add(parseName());
    }
    return types.isEmpty() ? null : types;
  }

  private Definition enumDefinition(String description) {
    expectKeyword("enum");
    Definition def = newDefinition(Ast.ENUM, description);
    def.name = parseName();
    def.directives = directives(true);
    def.enumValues = enumValuesDefinition();
    return def;
  }

  private List<EnumValueDefinition> enumValuesDefinition() {
    List<EnumValueDefinition> values = new ArrayList<>();
    some(Kind.BRACE_L, Kind.BRACE_R, () -> {
      EnumValueDefinition def = new EnumValueDefinition();
      def.position = peekPos();
      def.description = description();
      def.name = parseName();
      def.directives = directives(true);
      values.add(def);
    });
    return values.isEmpty() ? null : values;
  }

  private Definition inputObjectDefinition(String description) {
    expectKeyword("input");
    Definition def = newDefinition(Ast.INPUT_OBJECT, description);
    def.name = parseName();
    def.directives = directives(true);
    def.fields = inputFieldsDefinition();
    return def;
  }

  private List<FieldDefinition> inputFieldsDefinition() {
    List<FieldDefinition> values = new ArrayList<>();
    some(Kind.BRACE_L, Kind.BRACE_R, () -> values.add(inputValueDef()));
    return values.isEmpty() ? null : values;
  }

  private void typeSystemExtension(SchemaDocument doc) {
    expectKeyword("extend");
    switch (peek().value()) {
      case "schema" -> doc.schemaExtension = add(doc.schemaExtension, schemaExtension());
      case "scalar" -> doc.extensions = add(doc.extensions, scalarExtension());
      case "type" -> doc.extensions = add(doc.extensions, objectExtension());
      case "interface" -> doc.extensions = add(doc.extensions, interfaceExtension());
      case "union" -> doc.extensions = add(doc.extensions, unionExtension());
      case "enum" -> doc.extensions = add(doc.extensions, enumExtension());
      case "input" -> doc.extensions = add(doc.extensions, inputObjectExtension());
      default -> unexpectedError();
    }
  }

  private SchemaDefinition schemaExtension() {
    expectKeyword("schema");
    SchemaDefinition def = new SchemaDefinition();
    def.position = peekPos();
    def.directives = directives(true);
    List<OperationTypeDefinition> ops = new ArrayList<>();
    some(Kind.BRACE_L, Kind.BRACE_R, () -> ops.add(operationTypeDefinition()));
    def.operationTypes = ops.isEmpty() ? null : ops;
    if (def.directives == null && def.operationTypes == null) unexpectedError();
    return def;
  }

  private Definition scalarExtension() {
    expectKeyword("scalar");
    Definition def = newDefinition(Ast.SCALAR, "");
    def.name = parseName();
    def.directives = directives(true);
    if (def.directives == null) unexpectedError();
    return def;
  }

  private Definition objectExtension() {
    expectKeyword("type");
    Definition def = newDefinition(Ast.OBJECT, "");
    def.name = parseName();
    def.interfaces = implementsInterfaces();
    def.directives = directives(true);
    def.fields = fieldsDefinition();
    if (def.interfaces == null && def.directives == null && def.fields == null) unexpectedError();
    return def;
  }

  private Definition interfaceExtension() {
    expectKeyword("interface");
    Definition def = newDefinition(Ast.INTERFACE, "");
    def.name = parseName();
    def.directives = directives(true);
    def.fields = fieldsDefinition();
    if (def.directives == null && def.fields == null) unexpectedError();
    return def;
  }

  private Definition unionExtension() {
    expectKeyword("union");
    Definition def = newDefinition(Ast.UNION, "");
    def.name = parseName();
    def.directives = directives(true);
    def.types = unionMemberTypes();
    if (def.directives == null && def.types == null) unexpectedError();
    return def;
  }

  private Definition enumExtension() {
    expectKeyword("enum");
    Definition def = newDefinition(Ast.ENUM, "");
    def.name = parseName();
    def.directives = directives(true);
    def.enumValues = enumValuesDefinition();
    if (def.directives == null && def.enumValues == null) unexpectedError();
    return def;
  }

  private Definition inputObjectExtension() {
    expectKeyword("input");
    Definition def = newDefinition(Ast.INPUT_OBJECT, "");
    def.name = parseName();
    def.directives = directives(false);
    def.fields = inputFieldsDefinition();
    if (def.directives == null && def.fields == null) unexpectedError();
    return def;
  }

  private DirectiveDefinition directiveDefinition(String description) {
    expectKeyword("directive");
    expect(Kind.AT);
    DirectiveDefinition def = new DirectiveDefinition();
    def.position = peekPos();
    def.description = description;
    def.name = parseName();
    def.arguments = argumentDefs();
    Token peek = peek();
    if (peek.kind() == Kind.NAME && peek.value().equals("repeatable")) {
      def.isRepeatable = true;
      skip(Kind.NAME);
    }
    expectKeyword("on");
    List<String> locations = new ArrayList<>();
    skip(Kind.PIPE);
    locations.add(directiveLocation());
    while (skip(Kind.PIPE) && err == null) locations.add(directiveLocation());
    def.locations = locations;
    return def;
  }

  private static final java.util.Set<String> LOCATIONS = java.util.Set.of(
      "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD",
      "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION",
      "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT",
      "INPUT_FIELD_DEFINITION");

  private String directiveLocation() {
    Token name = expect(Kind.NAME);
    if (LOCATIONS.contains(name.value())) return name.value();
    unexpectedToken(name);
    return "";
  }
}
