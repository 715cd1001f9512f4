package dev.postee.rego.builtins.graphql;

import dev.postee.rego.value.Formatter;
import dev.postee.rego.builtins.graphql.Ast.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated schema (gqlparser's ast.Schema), built from a schema document merged with the
 * built-in prelude by {@link #load}, which follows gqlparser's ValidateSchemaDocument.
 */
final class Schema {
  final Map<String, Definition> types = new HashMap<>();
  final Map<String, DirectiveDefinition> directives = new HashMap<>();
  final Map<String, List<Definition>> possibleTypes = new HashMap<>();
  Definition query;
  Definition mutation;
  Definition subscription;

  List<Definition> possibleTypes(Definition def) {
    List<Definition> l = possibleTypes.get(def.name);
    return l == null ? List.of() : l;
  }

  private void addPossibleType(String name, Definition def) {
    possibleTypes.computeIfAbsent(name, k -> new ArrayList<>()).add(def);
  }

  /** The prelude: built-in scalars, directives and introspection types. */
  static SchemaDocument prelude() { return Parser.parseSchema(PRELUDE, true); }

  /** Validates {@code userDoc} merged with the prelude; throws on the first problem. */
  static Schema load(SchemaDocument userDoc) {
    SchemaDocument merged = new SchemaDocument();
    merged.merge(prelude());
    merged.merge(userDoc);
    return validate(merged);
  }

  private static GqlError.Failure fail(Position pos, String message) {
    return new GqlError.Failure(GqlError.at(pos, message));
  }

  private static Schema validate(SchemaDocument ast) {
    Schema schema = new Schema();
    List<Definition> defs = new ArrayList<>();
    for (Definition def : nonNull(ast.definitions)) {
      if (schema.types.get(def.name) != null) throw fail(def.position, "Cannot redeclare type " + def.name + ".");
      schema.types.put(def.name, def);
      defs.add(def);
    }
    for (Definition ext : nonNull(ast.extensions)) {
      Definition def = schema.types.get(ext.name);
      if (def == null) {
        def = new Definition();
        def.kind = ext.kind;
        def.name = ext.name;
        def.position = ext.position;
        schema.types.put(ext.name, def);
        defs.add(def);
      }
      if (!def.kind.equals(ext.kind)) {
        throw fail(ext.position, "Cannot extend type " + ext.name + " because the base type is a " + def.kind
            + ", not " + ext.kind + ".");
      }
      def.directives = Ast.concat(def.directives, ext.directives);
      def.interfaces = Ast.concat(def.interfaces, ext.interfaces);
      def.fields = Ast.concat(def.fields, ext.fields);
      def.types = Ast.concat(def.types, ext.types);
      def.enumValues = Ast.concat(def.enumValues, ext.enumValues);
    }
    for (Definition def : defs) {
      switch (def.kind) {
        case Ast.UNION -> {
          for (String t : nonNull(def.types)) {
            Definition member = schema.types.get(t);
            if (member != null) schema.addPossibleType(def.name, member);
          }
        }
        case Ast.INPUT_OBJECT, Ast.OBJECT -> {
          for (String intf : nonNull(def.interfaces)) schema.addPossibleType(intf, def);
          schema.addPossibleType(def.name, def);
        }
        case Ast.INTERFACE -> {
          for (String intf : nonNull(def.interfaces)) schema.addPossibleType(intf, def);
        }
        default -> { }
      }
    }
    for (DirectiveDefinition dir : nonNull(ast.directives)) {
      if (schema.directives.get(dir.name) != null) {
        switch (dir.name) {
          case "include", "skip", "deprecated", "specifiedBy", "defer", "oneOf" -> { continue; }
          default -> throw fail(dir.position, "Cannot redeclare directive " + dir.name + ".");
        }
      }
      schema.directives.put(dir.name, dir);
    }
    List<SchemaDefinition> schemaDefs = nonNull(ast.schema);
    if (schemaDefs.size() > 1) {
      throw fail(schemaDefs.get(1).position,
          "Cannot have multiple schema entry points, consider schema extensions instead.");
    }
    if (schemaDefs.size() == 1) schema.assignRoots(schemaDefs.get(0));
    for (SchemaDefinition ext : nonNull(ast.schemaExtension)) schema.assignRoots(ext);

    for (Map.Entry<String, Definition> e : new TreeMap<>(schema.types).entrySet()) {
      schema.validateDefinition(e.getValue());
    }
    for (Map.Entry<String, DirectiveDefinition> e : new TreeMap<>(schema.directives).entrySet()) {
      DirectiveDefinition d = e.getValue();
      validateName(d.position, d.name);
      schema.validateArgs(d.arguments, d);
    }
    if (schemaDefs.isEmpty()) {
      if (schema.query == null) schema.query = schema.types.get("Query");
      if (schema.mutation == null) schema.mutation = schema.types.get("Mutation");
      if (schema.subscription == null) schema.subscription = schema.types.get("Subscription");
    }
    if (schema.query != null) {
      FieldDefinition schemaField = new FieldDefinition();
      schemaField.name = "__schema";
      schemaField.type = Type.named("__Schema", true);
      FieldDefinition typeField = new FieldDefinition();
      typeField.name = "__type";
      typeField.type = Type.named("__Type", false);
      ArgumentDefinition nameArg = new ArgumentDefinition();
      nameArg.name = "name";
      nameArg.type = Type.named("String", true);
      typeField.arguments = List.of(nameArg);
      schema.query.fields = Ast.concat(schema.query.fields, List.of(schemaField, typeField));
    }
    return schema;
  }

  static <T> List<T> nonNull(List<T> list) {
    if (list == null) return List.of();
    List<T> out = new ArrayList<>(list.size());
    for (T t : list) if (t != null) out.add(t);
    return out;
  }

  private void assignRoots(SchemaDefinition def) {
    for (OperationTypeDefinition entry : nonNull(def.operationTypes)) {
      Definition type = types.get(entry.type);
      if (type == null) {
        throw fail(entry.position, "Schema root " + entry.operation + " refers to a type " + entry.type
            + " that does not exist.");
      }
      switch (entry.operation) {
        case "query" -> query = type;
        case "mutation" -> mutation = type;
        case "subscription" -> subscription = type;
        default -> { }
      }
    }
  }

  private void validateDefinition(Definition def) {
    for (FieldDefinition field : nonNull(def.fields)) {
      validateName(field.position, field.name);
      validateTypeRef(field.type);
      validateArgs(field.arguments, null);
      String location = def.kind.equals(Ast.INPUT_OBJECT) ? "INPUT_FIELD_DEFINITION" : "FIELD_DEFINITION";
      validateDirectives(field.directives, location, null);
    }
    for (String typ : nonNull(def.types)) {
      Definition typDef = types.get(typ);
      if (typDef == null) throw fail(def.position, "Undefined type " + Formatter.goQuote(typ) + ".");
      if (!typDef.kind.equals(Ast.OBJECT)) {
        throw fail(def.position, def.kind + " type " + Formatter.goQuote(typ) + " must be " + Ast.OBJECT + ".");
      }
    }
    for (String intf : nonNull(def.interfaces)) validateImplements(def, intf);
    switch (def.kind) {
      case Ast.OBJECT, Ast.INTERFACE -> {
        if (nonNull(def.fields).isEmpty()) {
          throw fail(def.position, def.kind + " " + def.name + ": must define one or more fields.");
        }
        for (FieldDefinition field : nonNull(def.fields)) {
          Definition typ = types.get(typeName(field.type));
          if (typ != null && !(typ.kind.equals(Ast.SCALAR) || typ.kind.equals(Ast.OBJECT)
              || typ.kind.equals(Ast.INTERFACE) || typ.kind.equals(Ast.UNION) || typ.kind.equals(Ast.ENUM))) {
            throw fail(field.position, def.kind + " " + def.name
                + ": field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.");
          }
        }
      }
      case Ast.ENUM -> {
        if (nonNull(def.enumValues).isEmpty()) {
          throw fail(def.position, def.kind + " " + def.name + ": must define one or more unique enum values.");
        }
        for (EnumValueDefinition value : nonNull(def.enumValues)) {
          if (value.name.equals("true") || value.name.equals("false") || value.name.equals("null")) {
            throw fail(def.position, def.kind + " " + def.name + ": non-enum value " + value.name + ".");
          }
        }
      }
      case Ast.INPUT_OBJECT -> {
        if (nonNull(def.fields).isEmpty()) {
          throw fail(def.position, def.kind + " " + def.name + ": must define one or more input fields.");
        }
        for (FieldDefinition field : nonNull(def.fields)) {
          Definition typ = types.get(typeName(field.type));
          if (typ != null && !(typ.kind.equals(Ast.SCALAR) || typ.kind.equals(Ast.ENUM)
              || typ.kind.equals(Ast.INPUT_OBJECT))) {
            throw fail(field.position, typ.kind + " " + field.name
                + ": field must be one of SCALAR, ENUM, INPUT_OBJECT.");
          }
        }
      }
      default -> { }
    }
    List<FieldDefinition> fields = nonNull(def.fields);
    for (int i = 0; i < fields.size(); i++) {
      for (int j = i + 1; j < fields.size(); j++) {
        if (fields.get(i).name.equals(fields.get(j).name)) {
          throw fail(fields.get(j).position, "Field " + def.name + "." + fields.get(j).name + " can only be defined once.");
        }
      }
    }
    if (!def.builtIn) validateName(def.position, def.name);
    validateDirectives(def.directives, def.kind, null);
  }

  private static String typeName(Type t) { return t == null ? "" : t.name(); }

  private void validateTypeRef(Type typ) {
    if (typ == null || types.get(typ.name()) == null) {
      throw fail(typ == null ? null : typ.position, "Undefined type " + typeName(typ) + ".");
    }
  }

  private void validateArgs(List<ArgumentDefinition> args, DirectiveDefinition current) {
    for (ArgumentDefinition arg : nonNull(args)) {
      validateName(arg.position, arg.name);
      validateTypeRef(arg.type);
      Definition def = types.get(arg.type.name());
      if (!def.isInputType()) {
        throw fail(arg.position, "cannot use " + arg.type + " as argument " + arg.name + " because " + def.kind
            + " is not a valid input type");
      }
      validateDirectives(arg.directives, "ARGUMENT_DEFINITION", current);
    }
  }

  private void validateDirectives(List<Directive> dirs, String location, DirectiveDefinition current) {
    for (Directive dir : nonNull(dirs)) {
      validateName(dir.position, dir.name);
      if (current != null && dir.name.equals(current.name)) {
        throw fail(dir.position, "Directive " + current.name + " cannot refer to itself.");
      }
      DirectiveDefinition def = directives.get(dir.name);
      if (def == null) throw fail(dir.position, "Undefined directive " + dir.name + ".");
      if (def.locations == null || !def.locations.contains(location)) {
        throw fail(dir.position, "Directive " + dir.name + " is not applicable on " + location + ".");
      }
      dir.definition = def;
    }
  }

  private void validateImplements(Definition def, String intfName) {
    Definition intf = types.get(intfName);
    if (intf == null) throw fail(def.position, "Undefined type " + Formatter.goQuote(intfName) + ".");
    if (!intf.kind.equals(Ast.INTERFACE)) {
      throw fail(def.position, Formatter.goQuote(intfName) + " is a non interface type " + intf.kind + ".");
    }
    for (FieldDefinition required : nonNull(intf.fields)) {
      FieldDefinition found = def.field(required.name);
      if (found == null) {
        throw fail(def.position, "For " + def.name + " to implement " + intf.name + " it must have a field called "
            + required.name + ".");
      }
      if (!isCovariant(required.type, found.type)) {
        throw fail(found.position, "For " + def.name + " to implement " + intf.name + " the field " + required.name
            + " must have type " + required.type + ".");
      }
      for (ArgumentDefinition requiredArg : nonNull(required.arguments)) {
        ArgumentDefinition foundArg = found.argument(requiredArg.name);
        if (foundArg == null) {
          throw fail(found.position, "For " + def.name + " to implement " + intf.name + " the field " + required.name
              + " must have the same arguments but it is missing " + requiredArg.name + ".");
        }
        if (!requiredArg.type.isCompatible(foundArg.type)) {
          throw fail(foundArg.position, "For " + def.name + " to implement " + intf.name + " the field "
              + required.name + " must have the same arguments but " + requiredArg.name + " has the wrong type.");
        }
      }
      for (ArgumentDefinition foundArg : nonNull(found.arguments)) {
        if (required.argument(foundArg.name) == null && foundArg.type.nonNull && foundArg.defaultValue == null) {
          throw fail(foundArg.position, "For " + def.name + " to implement " + intf.name
              + " any additional arguments on " + found.name + " must be optional or have a default value but "
              + foundArg.name + " is required.");
        }
      }
    }
    for (String transitive : nonNull(intf.interfaces)) {
      if (!nonNull(def.interfaces).contains(transitive)) {
        if (transitive.equals(def.name)) {
          throw fail(def.position, "Type " + def.name + " cannot implement " + intfName
              + " because it would create a circular reference.");
        }
        throw fail(def.position, "Type " + def.name + " must implement " + transitive + " because it is implemented by "
            + intfName + ".");
      }
    }
  }

  private boolean isCovariant(Type required, Type actual) {
    if (required == null || actual == null) return false;
    if (required.nonNull && !actual.nonNull) return false;
    if (!required.namedType.isEmpty()) {
      if (required.namedType.equals(actual.namedType)) return true;
      for (Definition pt : possibleTypes.getOrDefault(required.namedType, List.of())) {
        if (pt.name.equals(actual.namedType)) return true;
      }
      return false;
    }
    if (required.elem != null && actual.elem == null) return false;
    return isCovariant(required.elem, actual.elem);
  }

  private static void validateName(Position pos, String name) {
    if (name.startsWith("__")) {
      throw fail(pos, "Name \"" + name + "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
    }
  }

  private static final String PRELUDE = """
      "The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent values between -(2^31) and 2^31 - 1."
      scalar Int

      "The `Float` scalar type represents signed double-precision fractional values as specified by [IEEE 754](http://en.wikipedia.org/wiki/IEEE_floating_point)."
      scalar Float

      "The `String`scalar type represents textual data, represented as UTF-8 character sequences. The String type is most often used by GraphQL to represent free-form human-readable text."
      scalar String

      "The `Boolean` scalar type represents `true` or `false`."
      scalar Boolean

      \"""The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for a cache. The ID type appears in a JSON response as a String; however, it is not intended to be human-readable. When expected as an input type, any string (such as "4") or integer (such as 4) input value will be accepted as an ID.\"""
      scalar ID

      "Directs the executor to defer this fragment when the `if` argument is true or undefined."
      directive @defer(
        "Deferred when true or undefined."
        if: Boolean = true,
        "Unique name"
        label: String
      ) on FRAGMENT_SPREAD | INLINE_FRAGMENT

      "The @include directive may be provided for fields, fragment spreads, and inline fragments, and allows for conditional inclusion during execution as described by the if argument."
      directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT

      "The @skip directive may be provided for fields, fragment spreads, and inline fragments, and allows for conditional exclusion during execution as described by the if argument."
      directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT

      "The @deprecated built-in directive is used within the type system definition language to indicate deprecated portions of a GraphQL service's schema, such as deprecated fields on a type, arguments on a field, input fields on an input type, or values of an enum type."
      directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE

      "The @specifiedBy built-in directive is used within the type system definition language to provide a scalar specification URL for specifying the behavior of custom scalar types."
      directive @specifiedBy(url: String!) on SCALAR

      "The @oneOf built-in directive is used within the type system definition language to indicate an Input Object is a OneOf Input Object."
      directive @oneOf on INPUT_OBJECT

      type __Schema {
        description: String
        types: [__Type!]!
        queryType: __Type!
        mutationType: __Type
        subscriptionType: __Type
        directives: [__Directive!]!
      }

      type __Type {
        kind: __TypeKind!
        name: String
        description: String
        fields(includeDeprecated: Boolean = false): [__Field!]
        interfaces: [__Type!]
        possibleTypes: [__Type!]
        enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
        inputFields(includeDeprecated: Boolean = false): [__InputValue!]
        ofType: __Type
        specifiedByURL: String
        isOneOf: Boolean
      }

      type __Field {
        name: String!
        description: String
        args(includeDeprecated: Boolean = false): [__InputValue!]!
        type: __Type!
        isDeprecated: Boolean!
        deprecationReason: String
      }

      type __InputValue {
        name: String!
        description: String
        type: __Type!
        defaultValue: String
        isDeprecated: Boolean
        deprecationReason: String
      }

      type __EnumValue {
        name: String!
        description: String
        isDeprecated: Boolean!
        deprecationReason: String
      }

      enum __TypeKind {
        SCALAR
        OBJECT
        INTERFACE
        UNION
        ENUM
        INPUT_OBJECT
        LIST
        NON_NULL
      }

      type __Directive {
        name: String!
        description: String
        isRepeatable: Boolean!
        locations: [__DirectiveLocation!]!
        args(includeDeprecated: Boolean = false): [__InputValue!]!
      }

      enum __DirectiveLocation {
        QUERY
        MUTATION
        SUBSCRIPTION
        FIELD
        FRAGMENT_DEFINITION
        FRAGMENT_SPREAD
        INLINE_FRAGMENT
        VARIABLE_DEFINITION
        SCHEMA
        SCALAR
        OBJECT
        FIELD_DEFINITION
        ARGUMENT_DEFINITION
        INTERFACE
        UNION
        ENUM
        ENUM_VALUE
        INPUT_OBJECT
        INPUT_FIELD_DEFINITION
      }
      """;
}
