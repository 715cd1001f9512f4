package dev.postee.rego.builtins.graphql;

import dev.postee.rego.value.Formatter;
import java.util.ArrayList;
import java.util.List;

/**
 * gqlparser's AST, field for field (the JSON shape OPA returns is the Go structs' JSON). Fields the
 * validator fills in ("Definition", "ObjectDefinition", ...) exist so that AST objects handed in by
 * policies round-trip exactly as OPA's JSON decoding and encoding would treat them.
 */
final class Ast {
  private Ast() {}

  record Position(int line, int column) {}

  static final int VARIABLE = 0;
  static final int INT_VALUE = 1;
  static final int FLOAT_VALUE = 2;
  static final int STRING_VALUE = 3;
  static final int BLOCK_VALUE = 4;
  static final int BOOLEAN_VALUE = 5;
  static final int NULL_VALUE = 6;
  static final int ENUM_VALUE = 7;
  static final int LIST_VALUE = 8;
  static final int OBJECT_VALUE = 9;

  static final String SCALAR = "SCALAR";
  static final String OBJECT = "OBJECT";
  static final String INTERFACE = "INTERFACE";
  static final String UNION = "UNION";
  static final String ENUM = "ENUM";
  static final String INPUT_OBJECT = "INPUT_OBJECT";

  /** A comment group; entries are comment texts, null for a JSON null entry. */
  static final class CommentGroup {
    List<String> list;
  }

  static final class QueryDocument {
    List<OperationDefinition> operations;
    List<FragmentDefinition> fragments;
    CommentGroup comment;

    FragmentDefinition fragment(String name) {
      if (fragments != null) {
        for (FragmentDefinition f : fragments) if (f != null && f.name.equals(name)) return f;
      }
      return null;
    }
  }

  static final class OperationDefinition {
    String operation = "";
    String name = "";
    List<VariableDefinition> variableDefinitions;
    List<Directive> directives;
    List<Selection> selectionSet;
    Position position;
    CommentGroup comment;

    VariableDefinition variable(String name) {
      if (variableDefinitions != null) {
        for (VariableDefinition v : variableDefinitions) if (v != null && v.variable.equals(name)) return v;
      }
      return null;
    }
  }

  static final class VariableDefinition {
    String variable = "";
    Type type;
    Value defaultValue;
    List<Directive> directives;
    Position position;
    CommentGroup comment;
    Definition definition;
    boolean used;
  }

  sealed interface Selection permits Field, FragmentSpread, InlineFragment {
    Position position();
  }

  static final class Field implements Selection {
    String alias = "";
    String name = "";
    List<Argument> arguments;
    List<Directive> directives;
    List<Selection> selectionSet;
    Position position;
    CommentGroup comment;
    FieldDefinition definition;
    Definition objectDefinition;

    @Override public Position position() { return position; }
  }

  static final class Argument {
    String name = "";
    Value value;
    Position position;
    CommentGroup comment;
  }

  static final class FragmentSpread implements Selection {
    String name = "";
    List<Directive> directives;
    Definition objectDefinition;
    FragmentDefinition definition;
    Position position;
    CommentGroup comment;

    @Override public Position position() { return position; }
  }

  static final class InlineFragment implements Selection {
    String typeCondition = "";
    List<Directive> directives;
    List<Selection> selectionSet;
    Definition objectDefinition;
    Position position;
    CommentGroup comment;

    @Override public Position position() { return position; }
  }

  static final class FragmentDefinition {
    String name = "";
    List<VariableDefinition> variableDefinition;
    String typeCondition = "";
    List<Directive> directives;
    List<Selection> selectionSet;
    Definition definition;
    Position position;
    CommentGroup comment;
  }

  static final class Directive {
    String name = "";
    List<Argument> arguments;
    Position position;
    Definition parentDefinition;
    DirectiveDefinition definition;
    String location = "";
  }

  static final class Value {
    String raw = "";
    List<ChildValue> children;
    int kind;
    Position position;
    CommentGroup comment;
    Definition definition;
    VariableDefinition variableDefinition;
    Type expectedType;
    boolean expectedTypeHasDefault;

    Value child(String name) {
      if (children != null) {
        for (ChildValue c : children) if (c != null && c.name.equals(name)) return c.value;
      }
      return null;
    }

    /** gqlparser's Value.String(), used in validation messages. */
    @Override public String toString() {
      return switch (kind) {
        case VARIABLE -> "$" + raw;
        case STRING_VALUE, BLOCK_VALUE -> Formatter.goQuote(raw);
        case LIST_VALUE -> {
          List<String> parts = new ArrayList<>();
          if (children != null) for (ChildValue c : children) parts.add(String.valueOf(c.value));
          yield "[" + String.join(",", parts) + "]";
        }
        case OBJECT_VALUE -> {
          List<String> parts = new ArrayList<>();
          if (children != null) for (ChildValue c : children) parts.add(c.name + ":" + c.value);
          yield "{" + String.join(",", parts) + "}";
        }
        default -> raw;
      };
    }
  }

  static final class ChildValue {
    String name = "";
    Value value;
    Position position;
    CommentGroup comment;
  }

  static final class Type {
    String namedType = "";
    Type elem;
    boolean nonNull;
    Position position;

    static Type named(String name, boolean nonNull) {
      Type t = new Type();
      t.namedType = name;
      t.nonNull = nonNull;
      return t;
    }

    String name() { return !namedType.isEmpty() || elem == null ? namedType : elem.name(); }

    @Override public String toString() {
      String s = !namedType.isEmpty() || elem == null ? namedType : "[" + elem + "]";
      return nonNull ? s + "!" : s;
    }

    /** Whether a value of this type may be used where {@code other} is expected. */
    boolean isCompatible(Type other) {
      if (!namedType.equals(other.namedType)) return false;
      if (elem != null && other.elem == null) return false;
      if (elem != null && !elem.isCompatible(other.elem)) return false;
      return !other.nonNull || nonNull;
    }
  }

  static final class SchemaDocument {
    List<SchemaDefinition> schema;
    List<SchemaDefinition> schemaExtension;
    List<DirectiveDefinition> directives;
    List<Definition> definitions;
    List<Definition> extensions;
    CommentGroup comment;

    void merge(SchemaDocument other) {
      schema = concat(schema, other.schema);
      schemaExtension = concat(schemaExtension, other.schemaExtension);
      directives = concat(directives, other.directives);
      definitions = concat(definitions, other.definitions);
      extensions = concat(extensions, other.extensions);
    }
  }

  static <T> List<T> concat(List<T> a, List<T> b) {
    if (b == null || b.isEmpty()) return a;
    List<T> out = a == null ? new ArrayList<>() : new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  static final class SchemaDefinition {
    String description = "";
    List<Directive> directives;
    List<OperationTypeDefinition> operationTypes;
    Position position;
    CommentGroup beforeDescriptionComment;
    CommentGroup afterDescriptionComment;
    CommentGroup endOfDefinitionComment;
  }

  static final class OperationTypeDefinition {
    String operation = "";
    String type = "";
    Position position;
    CommentGroup comment;
  }

  static final class Definition {
    String kind = "";
    String description = "";
    String name = "";
    List<Directive> directives;
    List<String> interfaces;
    List<FieldDefinition> fields;
    List<String> types;
    List<EnumValueDefinition> enumValues;
    Position position;
    boolean builtIn;
    CommentGroup beforeDescriptionComment;
    CommentGroup afterDescriptionComment;
    CommentGroup endOfDefinitionComment;

    FieldDefinition field(String name) {
      if (fields != null) for (FieldDefinition f : fields) if (f != null && f.name.equals(name)) return f;
      return null;
    }

    EnumValueDefinition enumValue(String name) {
      if (enumValues != null) {
        for (EnumValueDefinition e : enumValues) if (e != null && e.name.equals(name)) return e;
      }
      return null;
    }

    boolean isLeafType() { return kind.equals(ENUM) || kind.equals(SCALAR); }
    boolean isAbstractType() { return kind.equals(INTERFACE) || kind.equals(UNION); }
    boolean isCompositeType() { return kind.equals(OBJECT) || kind.equals(INTERFACE) || kind.equals(UNION); }
    boolean isInputType() { return kind.equals(SCALAR) || kind.equals(ENUM) || kind.equals(INPUT_OBJECT); }

    boolean oneOf(String... names) {
      for (String n : names) if (n.equals(name)) return true;
      return false;
    }
  }

  static final class FieldDefinition {
    String description = "";
    String name = "";
    List<ArgumentDefinition> arguments;
    Value defaultValue;
    Type type;
    List<Directive> directives;
    Position position;
    CommentGroup beforeDescriptionComment;
    CommentGroup afterDescriptionComment;

    ArgumentDefinition argument(String name) { return Ast.argument(arguments, name); }
  }

  static ArgumentDefinition argument(List<ArgumentDefinition> args, String name) {
    if (args != null) for (ArgumentDefinition a : args) if (a != null && a.name.equals(name)) return a;
    return null;
  }

  static final class ArgumentDefinition {
    String description = "";
    String name = "";
    Value defaultValue;
    Type type;
    List<Directive> directives;
    Position position;
    CommentGroup beforeDescriptionComment;
    CommentGroup afterDescriptionComment;
  }

  static final class EnumValueDefinition {
    String description = "";
    String name = "";
    List<Directive> directives;
    Position position;
    CommentGroup beforeDescriptionComment;
    CommentGroup afterDescriptionComment;
  }

  static final class DirectiveDefinition {
    String description = "";
    String name = "";
    List<ArgumentDefinition> arguments;
    List<String> locations;
    boolean isRepeatable;
    Position position;
    CommentGroup beforeDescriptionComment;
    CommentGroup afterDescriptionComment;
  }
}
