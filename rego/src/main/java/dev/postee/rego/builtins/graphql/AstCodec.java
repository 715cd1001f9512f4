package dev.postee.rego.builtins.graphql;

import dev.postee.rego.builtins.graphql.Ast.*;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Converts between the AST and Rego values the way OPA does: encoding is Go's json.Marshal of
 * the gqlparser structs followed by OPA's pruning (no "Position", no nulls, no empty arrays or
 * objects); decoding is Go's json.Unmarshal into the structs, including gqlparser's custom
 * decoders for operations, fragments and fields (exact key names, every selection read as a field
 * first).
 */
final class AstCodec {
  private AstCodec() {}

  // ---- encoding -------------------------------------------------------------------------------

  /** Collects an object's members; members that are null (pruned) are left out. */
  private static final class Obj {
    private final ObjectValue.Builder b = ObjectValue.builder();

    Obj str(String key, String value) {
      b.put(key, StringValue.of(value));
      return this;
    }

    Obj bool(String key, boolean value) {
      b.put(key, BooleanValue.of(value));
      return this;
    }

    Obj num(String key, long value) {
      b.put(key, NumberValue.of(value));
      return this;
    }

    Obj val(String key, dev.postee.rego.value.Value value) {
      if (value != null) b.put(key, value);
      return this;
    }

    dev.postee.rego.value.Value build() {
      ObjectValue o = b.build();
      return o.isEmpty() ? null : o;
    }
  }

  private static <T> dev.postee.rego.value.Value list(List<T> items, Function<T, dev.postee.rego.value.Value> enc) {
    if (items == null) return null;
    List<dev.postee.rego.value.Value> out = new ArrayList<>();
    for (T item : items) {
      dev.postee.rego.value.Value v = item == null ? null : enc.apply(item);
      if (v != null) out.add(v);
    }
    return out.isEmpty() ? null : ArrayValue.of(out);
  }

  private static dev.postee.rego.value.Value strings(List<String> items) {
    return list(items, StringValue::of);
  }

  static dev.postee.rego.value.Value query(QueryDocument d) {
    dev.postee.rego.value.Value v = new Obj()
        .val("Operations", list(d.operations, AstCodec::operation))
        .val("Fragments", list(d.fragments, AstCodec::fragmentDefinition))
        .val("Comment", comment(d.comment))
        .build();
    return v == null ? ObjectValue.EMPTY : v;
  }

  static dev.postee.rego.value.Value schema(SchemaDocument d) {
    dev.postee.rego.value.Value v = new Obj()
        .val("Schema", list(d.schema, AstCodec::schemaDefinition))
        .val("SchemaExtension", list(d.schemaExtension, AstCodec::schemaDefinition))
        .val("Directives", list(d.directives, AstCodec::directiveDefinition))
        .val("Definitions", list(d.definitions, AstCodec::definition))
        .val("Extensions", list(d.extensions, AstCodec::definition))
        .val("Comment", comment(d.comment))
        .build();
    return v == null ? ObjectValue.EMPTY : v;
  }

  private static dev.postee.rego.value.Value comment(CommentGroup c) {
    if (c == null) return null;
    return new Obj().val("List", list(c.list, text -> new Obj().str("Value", text).build())).build();
  }

  private static dev.postee.rego.value.Value operation(OperationDefinition o) {
    return new Obj().str("Operation", o.operation).str("Name", o.name)
        .val("VariableDefinitions", list(o.variableDefinitions, AstCodec::variableDefinition))
        .val("Directives", list(o.directives, AstCodec::directive))
        .val("SelectionSet", list(o.selectionSet, AstCodec::selection))
        .val("Comment", comment(o.comment))
        .build();
  }

  private static dev.postee.rego.value.Value variableDefinition(VariableDefinition v) {
    return new Obj().str("Variable", v.variable).val("Type", type(v.type))
        .val("DefaultValue", value(v.defaultValue))
        .val("Directives", list(v.directives, AstCodec::directive))
        .val("Comment", comment(v.comment))
        .val("Definition", definition(v.definition))
        .bool("Used", v.used)
        .build();
  }

  private static dev.postee.rego.value.Value selection(Selection s) {
    return switch (s) {
      case Field f -> new Obj().str("Alias", f.alias).str("Name", f.name)
          .val("Arguments", list(f.arguments, AstCodec::argument))
          .val("Directives", list(f.directives, AstCodec::directive))
          .val("SelectionSet", list(f.selectionSet, AstCodec::selection))
          .val("Comment", comment(f.comment))
          .val("Definition", fieldDefinition(f.definition))
          .val("ObjectDefinition", definition(f.objectDefinition))
          .build();
      case FragmentSpread fs -> new Obj().str("Name", fs.name)
          .val("Directives", list(fs.directives, AstCodec::directive))
          .val("ObjectDefinition", definition(fs.objectDefinition))
          .val("Definition", fragmentDefinition(fs.definition))
          .val("Comment", comment(fs.comment))
          .build();
      case InlineFragment i -> new Obj().str("TypeCondition", i.typeCondition)
          .val("Directives", list(i.directives, AstCodec::directive))
          .val("SelectionSet", list(i.selectionSet, AstCodec::selection))
          .val("ObjectDefinition", definition(i.objectDefinition))
          .val("Comment", comment(i.comment))
          .build();
    };
  }

  private static dev.postee.rego.value.Value argument(Argument a) {
    return new Obj().str("Name", a.name).val("Value", value(a.value)).val("Comment", comment(a.comment)).build();
  }

  private static dev.postee.rego.value.Value fragmentDefinition(FragmentDefinition f) {
    if (f == null) return null;
    return new Obj().str("Name", f.name)
        .val("VariableDefinition", list(f.variableDefinition, AstCodec::variableDefinition))
        .str("TypeCondition", f.typeCondition)
        .val("Directives", list(f.directives, AstCodec::directive))
        .val("SelectionSet", list(f.selectionSet, AstCodec::selection))
        .val("Definition", definition(f.definition))
        .val("Comment", comment(f.comment))
        .build();
  }

  private static dev.postee.rego.value.Value directive(Directive d) {
    return new Obj().str("Name", d.name)
        .val("Arguments", list(d.arguments, AstCodec::argument))
        .val("ParentDefinition", definition(d.parentDefinition))
        .val("Definition", directiveDefinition(d.definition))
        .str("Location", d.location)
        .build();
  }

  private static dev.postee.rego.value.Value value(Value v) {
    if (v == null) return null;
    return new Obj().str("Raw", v.raw)
        .val("Children", list(v.children, c -> new Obj().str("Name", c.name).val("Value", value(c.value))
            .val("Comment", comment(c.comment)).build()))
        .num("Kind", v.kind)
        .val("Comment", comment(v.comment))
        .val("Definition", definition(v.definition))
        .val("VariableDefinition", v.variableDefinition == null ? null : variableDefinition(v.variableDefinition))
        .val("ExpectedType", type(v.expectedType))
        .bool("ExpectedTypeHasDefault", v.expectedTypeHasDefault)
        .build();
  }

  private static dev.postee.rego.value.Value type(Type t) {
    if (t == null) return null;
    return new Obj().str("NamedType", t.namedType).val("Elem", type(t.elem)).bool("NonNull", t.nonNull).build();
  }

  private static dev.postee.rego.value.Value schemaDefinition(SchemaDefinition s) {
    return new Obj().str("Description", s.description)
        .val("Directives", list(s.directives, AstCodec::directive))
        .val("OperationTypes", list(s.operationTypes, o -> new Obj().str("Operation", o.operation)
            .str("Type", o.type).val("Comment", comment(o.comment)).build()))
        .val("BeforeDescriptionComment", comment(s.beforeDescriptionComment))
        .val("AfterDescriptionComment", comment(s.afterDescriptionComment))
        .val("EndOfDefinitionComment", comment(s.endOfDefinitionComment))
        .build();
  }

  private static dev.postee.rego.value.Value definition(Definition d) {
    if (d == null) return null;
    return new Obj().str("Kind", d.kind).str("Description", d.description).str("Name", d.name)
        .val("Directives", list(d.directives, AstCodec::directive))
        .val("Interfaces", strings(d.interfaces))
        .val("Fields", list(d.fields, AstCodec::fieldDefinition))
        .val("Types", strings(d.types))
        .val("EnumValues", list(d.enumValues, e -> new Obj().str("Description", e.description).str("Name", e.name)
            .val("Directives", list(e.directives, AstCodec::directive))
            .val("BeforeDescriptionComment", comment(e.beforeDescriptionComment))
            .val("AfterDescriptionComment", comment(e.afterDescriptionComment))
            .build()))
        .bool("BuiltIn", d.builtIn)
        .val("BeforeDescriptionComment", comment(d.beforeDescriptionComment))
        .val("AfterDescriptionComment", comment(d.afterDescriptionComment))
        .val("EndOfDefinitionComment", comment(d.endOfDefinitionComment))
        .build();
  }

  private static dev.postee.rego.value.Value fieldDefinition(FieldDefinition f) {
    if (f == null) return null;
    return new Obj().str("Description", f.description).str("Name", f.name)
        .val("Arguments", list(f.arguments, AstCodec::argumentDefinition))
        .val("DefaultValue", value(f.defaultValue))
        .val("Type", type(f.type))
        .val("Directives", list(f.directives, AstCodec::directive))
        .val("BeforeDescriptionComment", comment(f.beforeDescriptionComment))
        .val("AfterDescriptionComment", comment(f.afterDescriptionComment))
        .build();
  }

  private static dev.postee.rego.value.Value argumentDefinition(ArgumentDefinition a) {
    return new Obj().str("Description", a.description).str("Name", a.name)
        .val("DefaultValue", value(a.defaultValue))
        .val("Type", type(a.type))
        .val("Directives", list(a.directives, AstCodec::directive))
        .val("BeforeDescriptionComment", comment(a.beforeDescriptionComment))
        .val("AfterDescriptionComment", comment(a.afterDescriptionComment))
        .build();
  }

  private static dev.postee.rego.value.Value directiveDefinition(DirectiveDefinition d) {
    if (d == null) return null;
    return new Obj().str("Description", d.description).str("Name", d.name)
        .val("Arguments", list(d.arguments, AstCodec::argumentDefinition))
        .val("Locations", strings(d.locations))
        .bool("IsRepeatable", d.isRepeatable)
        .val("BeforeDescriptionComment", comment(d.beforeDescriptionComment))
        .val("AfterDescriptionComment", comment(d.afterDescriptionComment))
        .build();
  }

  // ---- decoding -------------------------------------------------------------------------------

  /** An error that stops decoding at once (as errors from Go's custom JSON decoders do). */
  static final class Abort extends RuntimeException {
    Abort(String message) { super(message, null, false, false); }
  }

  static QueryDocument decodeQuery(ObjectValue v) {
    Decoder d = new Decoder();
    QueryDocument doc = new QueryDocument();
    d.fields(v, "QueryDocument", (key, value) -> {
      switch (key) {
        case "Operations" -> doc.operations = d.list(value, "QueryDocument", key, AstCodec::decodeOperation);
        case "Fragments" -> doc.fragments = d.list(value, "QueryDocument", key, AstCodec::decodeFragmentDefinition);
        case "Comment" -> doc.comment = d.commentGroup(value);
        default -> { }
      }
    }, "Operations", "Fragments", "Position", "Comment");
    d.finish();
    return doc;
  }

  static SchemaDocument decodeSchema(ObjectValue v) {
    Decoder d = new Decoder();
    SchemaDocument doc = new SchemaDocument();
    d.fields(v, "SchemaDocument", (key, value) -> {
      switch (key) {
        case "Schema" -> doc.schema = d.list(value, "SchemaDocument", key, Decoder::schemaDefinition);
        case "SchemaExtension" -> doc.schemaExtension = d.list(value, "SchemaDocument", key, Decoder::schemaDefinition);
        case "Directives" -> doc.directives = d.list(value, "SchemaDocument", key, Decoder::directiveDefinition);
        case "Definitions" -> doc.definitions = d.list(value, "SchemaDocument", key, Decoder::definition);
        case "Extensions" -> doc.extensions = d.list(value, "SchemaDocument", key, Decoder::definition);
        case "Comment" -> doc.comment = d.commentGroup(value);
        default -> { }
      }
    }, "Schema", "SchemaExtension", "Directives", "Definitions", "Extensions", "Position", "Comment");
    d.finish();
    return doc;
  }

  private static String jsonKind(dev.postee.rego.value.Value v) {
    return switch (v) {
      case StringValue s -> "string";
      case NumberValue n -> "number";
      case BooleanValue b -> "bool";
      case ArrayValue a -> "array";
      case SetValue s -> "array";
      case ObjectValue o -> "object";
      default -> "null";
    };
  }

  /** A decoding pass, remembering the first type mismatch as Go's decoder does. */
  private static final class Decoder {
    private String firstError;

    void finish() {
      if (firstError != null) throw new Abort(firstError);
    }

    private void mismatch(dev.postee.rego.value.Value v, String struct, String field, String type) {
      if (firstError == null) {
        firstError = "json: cannot unmarshal " + jsonKind(v) + " into Go struct field " + struct + "." + field
            + " of type " + type;
      }
    }

    interface Setter {
      void set(String key, dev.postee.rego.value.Value value);
    }

    /** Visits members, matching keys to field names exactly or case-insensitively. */
    void fields(dev.postee.rego.value.Value v, String struct, Setter setter, String... names) {
      if (v instanceof NullValue) return;
      if (!(v instanceof ObjectValue o)) {
        if (firstError == null) {
          firstError = "json: cannot unmarshal " + jsonKind(v) + " into Go value of type ast." + struct;
        }
        return;
      }
      for (int i = 0; i < o.size(); i++) {
        if (!(o.keyAt(i) instanceof StringValue k)) throw new Abort("json: unsupported object key " + o.keyAt(i));
        String name = resolve(k.value(), names);
        if (name != null) setter.set(name, o.valueAt(i));
      }
    }

    private static String resolve(String key, String[] names) {
      for (String n : names) if (n.equals(key)) return n;
      for (String n : names) if (n.equalsIgnoreCase(key)) return n;
      return null;
    }

    String string(dev.postee.rego.value.Value v, String current, String struct, String field) {
      if (v instanceof StringValue s) return s.value();
      if (!(v instanceof NullValue)) mismatch(v, struct, field, "string");
      return current;
    }

    boolean bool(dev.postee.rego.value.Value v, boolean current, String struct, String field) {
      if (v instanceof BooleanValue b) return b.value();
      if (!(v instanceof NullValue)) mismatch(v, struct, field, "bool");
      return current;
    }

    int integer(dev.postee.rego.value.Value v, int current, String struct, String field, String type) {
      if (v instanceof NumberValue n) {
        Integer i = n.intValueExact();
        if (i != null) return i;
        if (firstError == null) {
          firstError = "json: cannot unmarshal number " + n + " into Go struct field " + struct + "." + field
              + " of type " + type;
        }
        return current;
      }
      if (!(v instanceof NullValue)) mismatch(v, struct, field, type);
      return current;
    }

    <T> List<T> list(dev.postee.rego.value.Value v, String struct, String field,
        java.util.function.BiFunction<Decoder, dev.postee.rego.value.Value, T> element) {
      List<dev.postee.rego.value.Value> items;
      if (v instanceof ArrayValue a) {
        items = a.asList();
      } else if (v instanceof SetValue s) {
        items = new ArrayList<>(s.elements());
      } else {
        if (!(v instanceof NullValue)) mismatch(v, struct, field, "[]");
        return null;
      }
      List<T> out = new ArrayList<>(items.size());
      for (dev.postee.rego.value.Value item : items) out.add(item instanceof NullValue ? null : element.apply(this, item));
      return out;
    }

    List<String> strings(dev.postee.rego.value.Value v, String struct, String field) {
      return list(v, struct, field, (d, item) -> d.string(item, "", struct, field));
    }

    CommentGroup commentGroup(dev.postee.rego.value.Value v) {
      if (v instanceof NullValue) return null;
      CommentGroup c = new CommentGroup();
      fields(v, "CommentGroup", (key, value) -> c.list = list(value, "CommentGroup", "List", (d, item) -> {
        String[] text = {""};
        d.fields(item, "Comment", (k, val) -> text[0] = d.string(val, text[0], "Comment", "Value"), "Value", "Position");
        return text[0];
      }), "List");
      return c;
    }

    Type type(dev.postee.rego.value.Value v) {
      if (v instanceof NullValue) return null;
      Type t = new Type();
      fields(v, "Type", (key, value) -> {
        switch (key) {
          case "NamedType" -> t.namedType = string(value, t.namedType, "Type", key);
          case "Elem" -> t.elem = type(value);
          case "NonNull" -> t.nonNull = bool(value, t.nonNull, "Type", key);
          default -> { }
        }
      }, "NamedType", "Elem", "NonNull", "Position");
      return t;
    }

    Value value(dev.postee.rego.value.Value v) {
      if (v instanceof NullValue) return null;
      Value val = new Value();
      fields(v, "Value", (key, x) -> {
        switch (key) {
          case "Raw" -> val.raw = string(x, val.raw, "Value", key);
          case "Children" -> val.children = list(x, "Value", key, (d, item) -> {
            ChildValue c = new ChildValue();
            d.fields(item, "ChildValue", (k, y) -> {
              switch (k) {
                case "Name" -> c.name = d.string(y, c.name, "ChildValue", k);
                case "Value" -> c.value = d.value(y);
                case "Comment" -> c.comment = d.commentGroup(y);
                default -> { }
              }
            }, "Name", "Value", "Position", "Comment");
            return c;
          });
          case "Kind" -> val.kind = integer(x, val.kind, "Value", key, "ast.ValueKind");
          case "Comment" -> val.comment = commentGroup(x);
          case "Definition" -> val.definition = definition(x);
          case "VariableDefinition" -> val.variableDefinition = variableDefinition(x);
          case "ExpectedType" -> val.expectedType = type(x);
          case "ExpectedTypeHasDefault" -> val.expectedTypeHasDefault = bool(x, val.expectedTypeHasDefault, "Value", key);
          default -> { }
        }
      }, "Raw", "Children", "Kind", "Position", "Comment", "Definition", "VariableDefinition", "ExpectedType",
          "ExpectedTypeHasDefault");
      return val;
    }

    Argument argument(dev.postee.rego.value.Value v) {
      Argument a = new Argument();
      fields(v, "Argument", (key, x) -> {
        switch (key) {
          case "Name" -> a.name = string(x, a.name, "Argument", key);
          case "Value" -> a.value = value(x);
          case "Comment" -> a.comment = commentGroup(x);
          default -> { }
        }
      }, "Name", "Value", "Position", "Comment");
      return a;
    }

    List<Argument> arguments(dev.postee.rego.value.Value v, String struct) {
      return list(v, struct, "Arguments", Decoder::argument);
    }

    Directive directive(dev.postee.rego.value.Value v) {
      Directive dir = new Directive();
      fields(v, "Directive", (key, x) -> {
        switch (key) {
          case "Name" -> dir.name = string(x, dir.name, "Directive", key);
          case "Arguments" -> dir.arguments = arguments(x, "Directive");
          case "ParentDefinition" -> dir.parentDefinition = definition(x);
          case "Definition" -> dir.definition = directiveDefinition(x);
          case "Location" -> dir.location = string(x, dir.location, "Directive", key);
          default -> { }
        }
      }, "Name", "Arguments", "Position", "ParentDefinition", "Definition", "Location");
      return dir;
    }

    List<Directive> directives(dev.postee.rego.value.Value v, String struct) {
      return list(v, struct, "Directives", Decoder::directive);
    }

    VariableDefinition variableDefinition(dev.postee.rego.value.Value v) {
      if (v instanceof NullValue) return null;
      VariableDefinition var = new VariableDefinition();
      fields(v, "VariableDefinition", (key, x) -> {
        switch (key) {
          case "Variable" -> var.variable = string(x, var.variable, "VariableDefinition", key);
          case "Type" -> var.type = type(x);
          case "DefaultValue" -> var.defaultValue = value(x);
          case "Directives" -> var.directives = directives(x, "VariableDefinition");
          case "Comment" -> var.comment = commentGroup(x);
          case "Definition" -> var.definition = definition(x);
          case "Used" -> var.used = bool(x, var.used, "VariableDefinition", key);
          default -> { }
        }
      }, "Variable", "Type", "DefaultValue", "Directives", "Position", "Comment", "Definition", "Used");
      return var;
    }

    List<VariableDefinition> variableDefinitions(dev.postee.rego.value.Value v, String struct, String field) {
      return list(v, struct, field, Decoder::variableDefinition);
    }

    Definition definition(dev.postee.rego.value.Value v) {
      if (v instanceof NullValue) return null;
      Definition def = new Definition();
      fields(v, "Definition", (key, x) -> {
        switch (key) {
          case "Kind" -> def.kind = string(x, def.kind, "Definition", key);
          case "Description" -> def.description = string(x, def.description, "Definition", key);
          case "Name" -> def.name = string(x, def.name, "Definition", key);
          case "Directives" -> def.directives = directives(x, "Definition");
          case "Interfaces" -> def.interfaces = strings(x, "Definition", key);
          case "Fields" -> def.fields = list(x, "Definition", key, Decoder::fieldDefinition);
          case "Types" -> def.types = strings(x, "Definition", key);
          case "EnumValues" -> def.enumValues = list(x, "Definition", key, Decoder::enumValueDefinition);
          case "BuiltIn" -> def.builtIn = bool(x, def.builtIn, "Definition", key);
          case "BeforeDescriptionComment" -> def.beforeDescriptionComment = commentGroup(x);
          case "AfterDescriptionComment" -> def.afterDescriptionComment = commentGroup(x);
          case "EndOfDefinitionComment" -> def.endOfDefinitionComment = commentGroup(x);
          default -> { }
        }
      }, "Kind", "Description", "Name", "Directives", "Interfaces", "Fields", "Types", "EnumValues", "Position",
          "BuiltIn", "BeforeDescriptionComment", "AfterDescriptionComment", "EndOfDefinitionComment");
      return def;
    }

    FieldDefinition fieldDefinition(dev.postee.rego.value.Value v) {
      if (v instanceof NullValue) return null;
      FieldDefinition f = new FieldDefinition();
      fields(v, "FieldDefinition", (key, x) -> {
        switch (key) {
          case "Description" -> f.description = string(x, f.description, "FieldDefinition", key);
          case "Name" -> f.name = string(x, f.name, "FieldDefinition", key);
          case "Arguments" -> f.arguments = list(x, "FieldDefinition", key, Decoder::argumentDefinition);
          case "DefaultValue" -> f.defaultValue = value(x);
          case "Type" -> f.type = type(x);
          case "Directives" -> f.directives = directives(x, "FieldDefinition");
          case "BeforeDescriptionComment" -> f.beforeDescriptionComment = commentGroup(x);
          case "AfterDescriptionComment" -> f.afterDescriptionComment = commentGroup(x);
          default -> { }
        }
      }, "Description", "Name", "Arguments", "DefaultValue", "Type", "Directives", "Position",
          "BeforeDescriptionComment", "AfterDescriptionComment");
      return f;
    }

    ArgumentDefinition argumentDefinition(dev.postee.rego.value.Value v) {
      ArgumentDefinition a = new ArgumentDefinition();
      fields(v, "ArgumentDefinition", (key, x) -> {
        switch (key) {
          case "Description" -> a.description = string(x, a.description, "ArgumentDefinition", key);
          case "Name" -> a.name = string(x, a.name, "ArgumentDefinition", key);
          case "DefaultValue" -> a.defaultValue = value(x);
          case "Type" -> a.type = type(x);
          case "Directives" -> a.directives = directives(x, "ArgumentDefinition");
          case "BeforeDescriptionComment" -> a.beforeDescriptionComment = commentGroup(x);
          case "AfterDescriptionComment" -> a.afterDescriptionComment = commentGroup(x);
          default -> { }
        }
      }, "Description", "Name", "DefaultValue", "Type", "Directives", "Position", "BeforeDescriptionComment",
          "AfterDescriptionComment");
      return a;
    }

    EnumValueDefinition enumValueDefinition(dev.postee.rego.value.Value v) {
      EnumValueDefinition e = new EnumValueDefinition();
      fields(v, "EnumValueDefinition", (key, x) -> {
        switch (key) {
          case "Description" -> e.description = string(x, e.description, "EnumValueDefinition", key);
          case "Name" -> e.name = string(x, e.name, "EnumValueDefinition", key);
          case "Directives" -> e.directives = directives(x, "EnumValueDefinition");
          case "BeforeDescriptionComment" -> e.beforeDescriptionComment = commentGroup(x);
          case "AfterDescriptionComment" -> e.afterDescriptionComment = commentGroup(x);
          default -> { }
        }
      }, "Description", "Name", "Directives", "Position", "BeforeDescriptionComment", "AfterDescriptionComment");
      return e;
    }

    DirectiveDefinition directiveDefinition(dev.postee.rego.value.Value v) {
      if (v instanceof NullValue) return null;
      DirectiveDefinition d = new DirectiveDefinition();
      fields(v, "DirectiveDefinition", (key, x) -> {
        switch (key) {
          case "Description" -> d.description = string(x, d.description, "DirectiveDefinition", key);
          case "Name" -> d.name = string(x, d.name, "DirectiveDefinition", key);
          case "Arguments" -> d.arguments = list(x, "DirectiveDefinition", key, Decoder::argumentDefinition);
          case "Locations" -> d.locations = strings(x, "DirectiveDefinition", key);
          case "IsRepeatable" -> d.isRepeatable = bool(x, d.isRepeatable, "DirectiveDefinition", key);
          case "BeforeDescriptionComment" -> d.beforeDescriptionComment = commentGroup(x);
          case "AfterDescriptionComment" -> d.afterDescriptionComment = commentGroup(x);
          default -> { }
        }
      }, "Description", "Name", "Arguments", "Locations", "IsRepeatable", "Position", "BeforeDescriptionComment",
          "AfterDescriptionComment");
      return d;
    }

    SchemaDefinition schemaDefinition(dev.postee.rego.value.Value v) {
      SchemaDefinition s = new SchemaDefinition();
      fields(v, "SchemaDefinition", (key, x) -> {
        switch (key) {
          case "Description" -> s.description = string(x, s.description, "SchemaDefinition", key);
          case "Directives" -> s.directives = directives(x, "SchemaDefinition");
          case "OperationTypes" -> s.operationTypes = list(x, "SchemaDefinition", key, (d, item) -> {
            OperationTypeDefinition o = new OperationTypeDefinition();
            d.fields(item, "OperationTypeDefinition", (k, y) -> {
              switch (k) {
                case "Operation" -> o.operation = d.string(y, o.operation, "OperationTypeDefinition", k);
                case "Type" -> o.type = d.string(y, o.type, "OperationTypeDefinition", k);
                case "Comment" -> o.comment = d.commentGroup(y);
                default -> { }
              }
            }, "Operation", "Type", "Position", "Comment");
            return o;
          });
          case "BeforeDescriptionComment" -> s.beforeDescriptionComment = commentGroup(x);
          case "AfterDescriptionComment" -> s.afterDescriptionComment = commentGroup(x);
          case "EndOfDefinitionComment" -> s.endOfDefinitionComment = commentGroup(x);
          default -> { }
        }
      }, "Description", "Directives", "OperationTypes", "Position", "BeforeDescriptionComment",
          "AfterDescriptionComment", "EndOfDefinitionComment");
      return s;
    }

    /** A Go json.Unmarshal of one value into a field: a mismatch aborts the custom decoder. */
    <T> T strict(java.util.function.Function<Decoder, T> decode) {
      Decoder sub = new Decoder();
      T result = decode.apply(sub);
      sub.finish();
      return result;
    }
  }

  // ---- gqlparser's custom decoders (exact key names; any error aborts) -----------------------

  private static ObjectValue customObject(dev.postee.rego.value.Value v, String type) {
    if (v instanceof NullValue) return ObjectValue.EMPTY;
    if (v instanceof ObjectValue o) return o;
    throw new Abort("json: cannot unmarshal " + jsonKind(v) + " into Go value of type map[string]json.RawMessage");
  }

  private static Position decodePosition(Decoder d, dev.postee.rego.value.Value v) {
    int[] lc = {0, 0};
    d.fields(v, "Position", (key, x) -> {
      switch (key) {
        case "Line" -> lc[0] = d.integer(x, lc[0], "Position", key, "int");
        case "Column" -> lc[1] = d.integer(x, lc[1], "Position", key, "int");
        case "Start", "End" -> d.integer(x, 0, "Position", key, "int");
        default -> { }
      }
    }, "Start", "End", "Line", "Column", "Src");
    return v instanceof NullValue ? null : new Position(lc[0], lc[1]);
  }

  private static OperationDefinition decodeOperation(Decoder outer, dev.postee.rego.value.Value v) {
    OperationDefinition op = new OperationDefinition();
    ObjectValue o = customObject(v, "OperationDefinition");
    for (int i = 0; i < o.size(); i++) {
      String key = o.keyAt(i) instanceof StringValue s ? s.value() : "";
      dev.postee.rego.value.Value x = o.valueAt(i);
      switch (key) {
        case "Operation" -> op.operation = outer.strict(d -> d.string(x, op.operation, "OperationDefinition", key));
        case "Name" -> op.name = outer.strict(d -> d.string(x, op.name, "OperationDefinition", key));
        case "VariableDefinitions" -> op.variableDefinitions =
            outer.strict(d -> d.variableDefinitions(x, "OperationDefinition", key));
        case "Directives" -> op.directives = outer.strict(d -> d.directives(x, "OperationDefinition"));
        case "SelectionSet" -> op.selectionSet = decodeSelectionSet(x);
        case "Position" -> op.position = outer.strict(d -> decodePosition(d, x));
        default -> { }
      }
    }
    return op;
  }

  private static FragmentDefinition decodeFragmentDefinition(Decoder outer, dev.postee.rego.value.Value v) {
    FragmentDefinition f = new FragmentDefinition();
    ObjectValue o = customObject(v, "FragmentDefinition");
    for (int i = 0; i < o.size(); i++) {
      String key = o.keyAt(i) instanceof StringValue s ? s.value() : "";
      dev.postee.rego.value.Value x = o.valueAt(i);
      switch (key) {
        case "Name" -> f.name = outer.strict(d -> d.string(x, f.name, "FragmentDefinition", key));
        case "VariableDefinition" -> f.variableDefinition =
            outer.strict(d -> d.variableDefinitions(x, "FragmentDefinition", key));
        case "TypeCondition" -> f.typeCondition = outer.strict(d -> d.string(x, f.typeCondition, "FragmentDefinition", key));
        case "Directives" -> f.directives = outer.strict(d -> d.directives(x, "FragmentDefinition"));
        case "SelectionSet" -> f.selectionSet = decodeSelectionSet(x);
        case "Definition" -> f.definition = outer.strict(d -> d.definition(x));
        case "Position" -> f.position = outer.strict(d -> decodePosition(d, x));
        default -> { }
      }
    }
    return f;
  }

  /** gqlparser's UnmarshalSelectionSet: each item becomes the first of field, spread, inline fragment that decodes. */
  private static List<Selection> decodeSelectionSet(dev.postee.rego.value.Value v) {
    List<dev.postee.rego.value.Value> items;
    if (v instanceof ArrayValue a) items = a.asList();
    else if (v instanceof SetValue s) items = new ArrayList<>(s.elements());
    else if (v instanceof NullValue) items = List.of();
    else throw new Abort("json: cannot unmarshal " + jsonKind(v) + " into Go value of type []json.RawMessage");
    List<Selection> out = new ArrayList<>();
    for (dev.postee.rego.value.Value item : items) {
      try {
        out.add(decodeField(item));
        continue;
      } catch (Abort e) {
        // not a field: try the other selection kinds, as gqlparser does
      }
      try {
        out.add(decodeFragmentSpread(item));
        continue;
      } catch (Abort e) {
        // not a fragment spread either
      }
      try {
        out.add(decodeInlineFragment(item));
      } catch (Abort e) {
        // gqlparser silently drops selections that decode as nothing
      }
    }
    return out;
  }

  private static Field decodeField(dev.postee.rego.value.Value v) {
    Field f = new Field();
    ObjectValue o = customObject(v, "Field");
    Decoder outer = new Decoder();
    for (int i = 0; i < o.size(); i++) {
      String key = o.keyAt(i) instanceof StringValue s ? s.value() : "";
      dev.postee.rego.value.Value x = o.valueAt(i);
      switch (key) {
        case "Alias" -> f.alias = outer.strict(d -> d.string(x, f.alias, "Field", key));
        case "Name" -> f.name = outer.strict(d -> d.string(x, f.name, "Field", key));
        case "Arguments" -> f.arguments = outer.strict(d -> d.arguments(x, "Field"));
        case "Directives" -> f.directives = outer.strict(d -> d.directives(x, "Field"));
        case "SelectionSet" -> f.selectionSet = decodeSelectionSet(x);
        case "Position" -> f.position = outer.strict(d -> decodePosition(d, x));
        case "Definition" -> f.definition = outer.strict(d -> d.fieldDefinition(x));
        case "ObjectDefinition" -> f.objectDefinition = outer.strict(d -> d.definition(x));
        default -> { }
      }
    }
    return f;
  }

  private static FragmentSpread decodeFragmentSpread(dev.postee.rego.value.Value v) {
    Decoder d = new Decoder();
    FragmentSpread fs = new FragmentSpread();
    d.fields(v, "FragmentSpread", (key, x) -> {
      switch (key) {
        case "Name" -> fs.name = d.string(x, fs.name, "FragmentSpread", key);
        case "Directives" -> fs.directives = d.directives(x, "FragmentSpread");
        case "ObjectDefinition" -> fs.objectDefinition = d.definition(x);
        case "Definition" -> fs.definition = decodeFragmentDefinition(d, x);
        case "Comment" -> fs.comment = d.commentGroup(x);
        default -> { }
      }
    }, "Name", "Directives", "ObjectDefinition", "Definition", "Position", "Comment");
    d.finish();
    return fs;
  }

  private static InlineFragment decodeInlineFragment(dev.postee.rego.value.Value v) {
    InlineFragment inline = new InlineFragment();
    ObjectValue o = customObject(v, "InlineFragment");
    Decoder outer = new Decoder();
    for (int i = 0; i < o.size(); i++) {
      String key = o.keyAt(i) instanceof StringValue s ? s.value() : "";
      dev.postee.rego.value.Value x = o.valueAt(i);
      switch (key) {
        case "TypeCondition" -> inline.typeCondition = outer.strict(d -> d.string(x, inline.typeCondition, "InlineFragment", key));
        case "Directives" -> inline.directives = outer.strict(d -> d.directives(x, "InlineFragment"));
        case "SelectionSet" -> inline.selectionSet = decodeSelectionSet(x);
        case "ObjectDefinition" -> inline.objectDefinition = outer.strict(d -> d.definition(x));
        case "Position" -> inline.position = outer.strict(d -> decodePosition(d, x));
        default -> { }
      }
    }
    return inline;
  }
}
