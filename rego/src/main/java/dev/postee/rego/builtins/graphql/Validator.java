package dev.postee.rego.builtins.graphql;

import dev.postee.rego.value.Formatter;
import dev.postee.rego.builtins.graphql.Ast.*;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Query validation against a schema: gqlparser's walker plus its default rule set, in the order
 * gqlparser runs them (rule name order), so that the first error reported is the one OPA reports.
 */
final class Validator {
  private final Schema schema;
  private final QueryDocument doc;
  private final List<GqlError> errors = new ArrayList<>();
  private final List<Rule> rules;
  private Map<String, Boolean> validatedFragmentSpreads;
  private OperationDefinition currentOperation;

  private Validator(Schema schema, QueryDocument doc) {
    this.schema = schema;
    this.doc = doc;
    this.rules = List.of(new FieldsOnCorrectType(), new FragmentsOnCompositeTypes(), new KnownArgumentNames(),
        new KnownDirectives(), new KnownFragmentNames(), new KnownRootType(), new KnownTypeNames(),
        new LoneAnonymousOperation(), new MaxIntrospectionDepth(), new NoFragmentCycles(),
        new NoUndefinedVariables(), new NoUnusedFragments(), new NoUnusedVariables(), new OverlappingFields(),
        new PossibleFragmentSpreads(), new ProvidedRequiredArguments(), new ScalarLeafs(),
        new SingleFieldSubscriptions(), new UniqueArgumentNames(), new UniqueDirectivesPerLocation(),
        new UniqueFragmentNames(), new UniqueInputFieldNames(), new UniqueOperationNames(),
        new UniqueVariableNames(), new ValuesOfCorrectType(), new VariablesAreInputTypes(),
        new VariablesInAllowedPosition());
  }

  /** All validation errors, in gqlparser's order; empty when the query is valid. */
  static List<GqlError> validate(Schema schema, QueryDocument doc) {
    Validator v = new Validator(schema, doc);
    v.walk();
    return v.errors;
  }

  private void addError(Position pos, String message) { errors.add(GqlError.at(pos, message)); }

  // ---- walker ---------------------------------------------------------------------------------

  private void walk() {
    for (OperationDefinition op : Schema.nonNull(doc.operations)) {
      validatedFragmentSpreads = new HashMap<>();
      walkOperation(op);
    }
    for (FragmentDefinition frag : Schema.nonNull(doc.fragments)) {
      validatedFragmentSpreads = new HashMap<>();
      walkFragment(frag);
    }
  }

  private void walkOperation(OperationDefinition op) {
    currentOperation = op;
    for (VariableDefinition varDef : Schema.nonNull(op.variableDefinitions)) {
      varDef.definition = schema.types.get(typeName(varDef.type));
      for (Rule r : rules) r.onVariable(varDef);
      if (varDef.defaultValue != null) {
        varDef.defaultValue.expectedType = varDef.type;
        varDef.defaultValue.definition = schema.types.get(typeName(varDef.type));
      }
    }
    Definition def;
    String loc;
    switch (op.operation) {
      case "query", "" -> { def = schema.query; loc = "QUERY"; }
      case "mutation" -> { def = schema.mutation; loc = "MUTATION"; }
      case "subscription" -> { def = schema.subscription; loc = "SUBSCRIPTION"; }
      default -> { def = null; loc = ""; }
    }
    for (VariableDefinition varDef : Schema.nonNull(op.variableDefinitions)) {
      if (varDef.defaultValue != null) walkValue(varDef.defaultValue);
      walkDirectives(varDef.definition, varDef.directives, "VARIABLE_DEFINITION");
    }
    walkDirectives(def, op.directives, loc);
    walkSelectionSet(def, op.selectionSet);
    for (Rule r : rules) r.onOperation(op);
    currentOperation = null;
  }

  private void walkFragment(FragmentDefinition frag) {
    Definition def = schema.types.get(frag.typeCondition);
    frag.definition = def;
    walkDirectives(def, frag.directives, "FRAGMENT_DEFINITION");
    walkSelectionSet(def, frag.selectionSet);
    for (Rule r : rules) r.onFragment(frag);
  }

  private void walkDirectives(Definition parent, List<Directive> directives, String location) {
    for (Directive dir : Schema.nonNull(directives)) {
      DirectiveDefinition def = schema.directives.get(dir.name);
      dir.definition = def;
      dir.parentDefinition = parent;
      dir.location = location;
      for (Argument arg : Schema.nonNull(dir.arguments)) {
        walkArgument(def == null ? null : Ast.argument(def.arguments, arg.name), arg);
      }
      for (Rule r : rules) r.onDirective(dir);
    }
    List<Directive> list = directives == null ? List.of() : directives;
    for (Rule r : rules) r.onDirectiveList(list);
  }

  private void walkValue(Value value) {
    if (value.kind == Ast.VARIABLE && currentOperation != null) {
      value.variableDefinition = currentOperation.variable(value.raw);
      if (value.variableDefinition != null) value.variableDefinition.used = true;
    }
    if (value.kind == Ast.OBJECT_VALUE) {
      for (ChildValue child : Schema.nonNull(value.children)) {
        if (child.value == null) continue;
        if (value.definition != null) {
          FieldDefinition fieldDef = value.definition.field(child.name);
          if (fieldDef != null) {
            child.value.expectedType = fieldDef.type;
            child.value.expectedTypeHasDefault = fieldDef.defaultValue != null && fieldDef.defaultValue.kind != Ast.NULL_VALUE;
            child.value.definition = schema.types.get(typeName(fieldDef.type));
          }
        }
        walkValue(child.value);
      }
    }
    if (value.kind == Ast.LIST_VALUE) {
      for (ChildValue child : Schema.nonNull(value.children)) {
        if (child.value == null) continue;
        if (value.expectedType != null && value.expectedType.elem != null) {
          child.value.expectedType = value.expectedType.elem;
          child.value.definition = value.definition;
        }
        walkValue(child.value);
      }
    }
    for (Rule r : rules) r.onValue(value);
  }

  private void walkArgument(ArgumentDefinition argDef, Argument arg) {
    if (arg.value == null) return;
    if (argDef != null) {
      arg.value.expectedType = argDef.type;
      arg.value.expectedTypeHasDefault = argDef.defaultValue != null && argDef.defaultValue.kind != Ast.NULL_VALUE;
      arg.value.definition = schema.types.get(typeName(argDef.type));
    }
    walkValue(arg.value);
  }

  private void walkSelectionSet(Definition parent, List<Selection> set) {
    for (Selection s : Schema.nonNull(set)) walkSelection(parent, s);
  }

  private void walkSelection(Definition parent, Selection selection) {
    switch (selection) {
      case Field field -> {
        FieldDefinition def = null;
        if (field.name.equals("__typename")) {
          def = new FieldDefinition();
          def.name = "__typename";
          def.type = Type.named("String", false);
        } else if (parent != null) {
          def = parent.field(field.name);
        }
        field.definition = def;
        field.objectDefinition = parent;
        Definition next = def == null ? null : schema.types.get(typeName(def.type));
        for (Argument arg : Schema.nonNull(field.arguments)) {
          walkArgument(def == null ? null : def.argument(arg.name), arg);
        }
        walkDirectives(next, field.directives, "FIELD");
        walkSelectionSet(next, field.selectionSet);
        for (Rule r : rules) r.onField(field);
      }
      case InlineFragment inline -> {
        inline.objectDefinition = parent;
        Definition next = inline.typeCondition.isEmpty() ? parent : schema.types.get(inline.typeCondition);
        walkDirectives(next, inline.directives, "INLINE_FRAGMENT");
        walkSelectionSet(next, inline.selectionSet);
        for (Rule r : rules) r.onInlineFragment(inline);
      }
      case FragmentSpread spread -> {
        FragmentDefinition def = doc.fragment(spread.name);
        spread.definition = def;
        spread.objectDefinition = parent;
        Definition next = def == null ? null : schema.types.get(def.typeCondition);
        walkDirectives(next, spread.directives, "FRAGMENT_SPREAD");
        if (def != null && !validatedFragmentSpreads.containsKey(def.name)) {
          validatedFragmentSpreads.put(def.name, true);
          walkSelectionSet(next, def.selectionSet);
        }
        for (Rule r : rules) r.onFragmentSpread(spread);
      }
    }
  }

  private static String typeName(Type t) { return t == null ? "" : t.name(); }

  // ---- suggestions ----------------------------------------------------------------------------

  static List<String> suggestionList(String input, List<String> options) {
    List<String> results = new ArrayList<>();
    Map<String, Integer> distances = new HashMap<>();
    int threshold = Math.max(1, (int) Math.floor(input.getBytes(java.nio.charset.StandardCharsets.UTF_8).length * 0.4) + 1);
    for (String option : options) {
      int d = lexicalDistance(input, option);
      if (d <= threshold) {
        results.add(option);
        distances.put(option, d);
      }
    }
    results.sort((a, b) -> Integer.compare(distances.get(a), distances.get(b)));
    return results;
  }

  private static int lexicalDistance(String a, String b) {
    if (a.equals(b)) return 0;
    String la = a.toLowerCase(java.util.Locale.ROOT);
    String lb = b.toLowerCase(java.util.Locale.ROOT);
    if (la.equals(lb)) return 1;
    int[] x = la.codePoints().toArray();
    int[] y = lb.codePoints().toArray();
    int[] prev = new int[y.length + 1];
    int[] cur = new int[y.length + 1];
    for (int j = 0; j <= y.length; j++) prev[j] = j;
    for (int i = 1; i <= x.length; i++) {
      cur[0] = i;
      for (int j = 1; j <= y.length; j++) {
        int cost = x[i - 1] == y[j - 1] ? 0 : 1;
        cur[j] = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[y.length];
  }

  static String orList(List<String> items) {
    List<String> l = items.size() > 5 ? items.subList(0, 5) : items;
    if (l.size() == 2) return l.get(0) + " or " + l.get(1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < l.size(); i++) {
      if (i != 0) sb.append(i == l.size() - 1 ? ", or " : ", ");
      sb.append(l.get(i));
    }
    return sb.toString();
  }

  static String quotedOrList(List<String> items) {
    List<String> quoted = new ArrayList<>();
    for (String s : items) quoted.add("\"" + s + "\"");
    return orList(quoted);
  }

  private static String suggestQuoted(String prefix, String typed, List<String> options) {
    List<String> s = suggestionList(typed, options);
    return s.isEmpty() ? "" : " " + prefix + " " + quotedOrList(s) + "?";
  }

  private static String suggestUnquoted(String prefix, String typed, List<String> options) {
    List<String> s = suggestionList(typed, options);
    return s.isEmpty() ? "" : " " + prefix + " " + orList(s) + "?";
  }

  // ---- rules ----------------------------------------------------------------------------------

  private abstract static class Rule {
    void onOperation(OperationDefinition op) {}
    void onField(Field field) {}
    void onFragment(FragmentDefinition frag) {}
    void onInlineFragment(InlineFragment inline) {}
    void onFragmentSpread(FragmentSpread spread) {}
    void onDirective(Directive dir) {}
    void onDirectiveList(List<Directive> dirs) {}
    void onValue(Value value) {}
    void onVariable(VariableDefinition var) {}
  }

  private final class FieldsOnCorrectType extends Rule {
    @Override void onField(Field field) {
      if (field.objectDefinition == null || field.definition != null) return;
      String message = "Cannot query field \"" + field.name + "\" on type \"" + field.objectDefinition.name + "\".";
      List<String> typeNames = suggestedTypeNames(field.objectDefinition, field.name);
      if (typeNames != null) {
        message += " Did you mean to use an inline fragment on " + quotedOrList(typeNames) + "?";
      } else {
        List<String> fieldNames = suggestedFieldNames(field.objectDefinition, field.name);
        if (fieldNames != null && !fieldNames.isEmpty()) message += " Did you mean " + quotedOrList(fieldNames) + "?";
      }
      addError(field.position, message);
    }

    private List<String> suggestedTypeNames(Definition parent, String name) {
      if (!parent.isAbstractType()) return null;
      List<String> objectTypes = new ArrayList<>();
      List<String> interfaceTypes = new ArrayList<>();
      Map<String, Integer> usage = new HashMap<>();
      for (Definition possible : schema.possibleTypes(parent)) {
        if (possible.field(name) == null) continue;
        objectTypes.add(possible.name);
        for (String intf : Schema.nonNull(possible.interfaces)) {
          Definition intfDef = schema.types.get(intf);
          if (intfDef != null && intfDef.field(name) != null) {
            if (usage.getOrDefault(intf, 0) == 0) interfaceTypes.add(intf);
            usage.merge(intf, 1, Integer::sum);
          }
        }
      }
      interfaceTypes.sort((a, b) -> Integer.compare(usage.get(b), usage.get(a)));
      List<String> out = new ArrayList<>(interfaceTypes);
      out.addAll(objectTypes);
      return out.isEmpty() ? null : out;
    }

    private List<String> suggestedFieldNames(Definition parent, String name) {
      if (!parent.kind.equals(Ast.OBJECT) && !parent.kind.equals(Ast.INTERFACE)) return null;
      List<String> names = new ArrayList<>();
      for (FieldDefinition f : Schema.nonNull(parent.fields)) names.add(f.name);
      return suggestionList(name, names);
    }
  }

  private final class FragmentsOnCompositeTypes extends Rule {
    @Override void onInlineFragment(InlineFragment inline) {
      Definition type = schema.types.get(inline.typeCondition);
      if (type == null || type.isCompositeType()) return;
      addError(inline.position, "Fragment cannot condition on non composite type \"" + inline.typeCondition + "\".");
    }

    @Override void onFragment(FragmentDefinition frag) {
      if (frag.definition == null || frag.typeCondition.isEmpty() || frag.definition.isCompositeType()) return;
      addError(frag.position, "Fragment \"" + frag.name + "\" cannot condition on non composite type \""
          + frag.typeCondition + "\".");
    }
  }

  private final class KnownArgumentNames extends Rule {
    @Override void onField(Field field) {
      if (field.definition == null || field.objectDefinition == null) return;
      for (Argument arg : Schema.nonNull(field.arguments)) {
        if (field.definition.argument(arg.name) != null) continue;
        List<String> names = new ArrayList<>();
        for (ArgumentDefinition a : Schema.nonNull(field.definition.arguments)) names.add(a.name);
        addError(field.position, "Unknown argument \"" + arg.name + "\" on field \"" + field.objectDefinition.name
            + "." + field.name + "\"." + suggestQuoted("Did you mean", arg.name, names));
      }
    }

    @Override void onDirective(Directive dir) {
      if (dir.definition == null) return;
      for (Argument arg : Schema.nonNull(dir.arguments)) {
        if (Ast.argument(dir.definition.arguments, arg.name) != null) continue;
        List<String> names = new ArrayList<>();
        for (ArgumentDefinition a : Schema.nonNull(dir.definition.arguments)) names.add(a.name);
        addError(dir.position, "Unknown argument \"" + arg.name + "\" on directive \"@" + dir.name + "\"."
            + suggestQuoted("Did you mean", arg.name, names));
      }
    }
  }

  private final class KnownDirectives extends Rule {
    @Override void onDirective(Directive dir) {
      if (dir.definition == null) {
        addError(dir.position, "Unknown directive \"@" + dir.name + "\".");
        return;
      }
      if (dir.definition.locations != null && dir.definition.locations.contains(dir.location)) return;
      addError(dir.position, "Directive \"@" + dir.name + "\" may not be used on " + dir.location + ".");
    }
  }

  private final class KnownFragmentNames extends Rule {
    @Override void onFragmentSpread(FragmentSpread spread) {
      if (spread.definition == null) addError(spread.position, "Unknown fragment \"" + spread.name + "\".");
    }
  }

  private final class KnownRootType extends Rule {
    @Override void onOperation(OperationDefinition op) {
      Definition def = switch (op.operation) {
        case "query", "" -> schema.query;
        case "mutation" -> schema.mutation;
        case "subscription" -> schema.subscription;
        default -> throw new GqlError.Failure("got unknown operation type \"" + op.operation + "\"");
      };
      if (def == null) addError(op.position, "Schema does not support operation type \"" + op.operation + "\"");
    }
  }

  private final class KnownTypeNames extends Rule {
    @Override void onVariable(VariableDefinition var) {
      String name = typeName(var.type);
      if (schema.types.get(name) == null) addError(var.position, "Unknown type \"" + name + "\".");
    }

    @Override void onInlineFragment(InlineFragment inline) {
      if (inline.typeCondition.isEmpty() || schema.types.get(inline.typeCondition) != null) return;
      addError(inline.position, "Unknown type \"" + inline.typeCondition + "\".");
    }

    @Override void onFragment(FragmentDefinition frag) {
      if (schema.types.get(frag.typeCondition) != null) return;
      List<String> names = new ArrayList<>(new java.util.TreeSet<>(schema.types.keySet()));
      addError(frag.position, "Unknown type \"" + frag.typeCondition + "\"."
          + suggestQuoted("Did you mean", frag.typeCondition, names));
    }
  }

  private final class LoneAnonymousOperation extends Rule {
    @Override void onOperation(OperationDefinition op) {
      if (op.name.isEmpty() && Schema.nonNull(doc.operations).size() > 1) {
        addError(op.position, "This anonymous operation must be the only defined operation.");
      }
    }
  }

  private final class MaxIntrospectionDepth extends Rule {
    private static final int MAX_LISTS_DEPTH = 3;

    @Override void onField(Field field) {
      if (field.name.equals("__schema") || field.name.equals("__type")) {
        if (checkField(field, new HashSet<>(), 0)) addError(field.position, "Maximum introspection depth exceeded");
      }
    }

    private boolean checkSet(List<Selection> set, Set<String> visited, int depth) {
      for (Selection s : Schema.nonNull(set)) {
        switch (s) {
          case Field f -> { if (checkField(f, visited, depth)) return true; }
          case FragmentSpread fs -> {
            if (visited.contains(fs.name) || fs.definition == null) continue;
            visited.add(fs.name);
            boolean deep = checkSet(fs.definition.selectionSet, visited, depth);
            visited.remove(fs.name);
            if (deep) return true;
          }
          case InlineFragment inline -> { if (checkSet(inline.selectionSet, visited, depth)) return true; }
        }
      }
      return false;
    }

    private boolean checkField(Field field, Set<String> visited, int depth) {
      if (field.name.equals("fields") || field.name.equals("interfaces") || field.name.equals("possibleTypes")
          || field.name.equals("inputFields")) {
        depth++;
        if (depth >= MAX_LISTS_DEPTH) return true;
      }
      return checkSet(field.selectionSet, visited, depth);
    }
  }

  private final class NoFragmentCycles extends Rule {
    private final Set<String> visitedFrags = new HashSet<>();

    @Override void onFragment(FragmentDefinition fragment) {
      List<FragmentSpread> spreadPath = new ArrayList<>();
      Map<String, Integer> spreadPathIndexByName = new HashMap<>();
      recurse(fragment, spreadPath, spreadPathIndexByName);
    }

    private void recurse(FragmentDefinition fragment, List<FragmentSpread> spreadPath, Map<String, Integer> indexByName) {
      if (!visitedFrags.add(fragment.name)) return;
      List<FragmentSpread> spreads = fragmentSpreads(fragment.selectionSet);
      if (spreads.isEmpty()) return;
      indexByName.put(fragment.name, spreadPath.size());
      for (FragmentSpread spread : spreads) {
        Integer cycleIndex = indexByName.get(spread.name);
        spreadPath.add(spread);
        if (cycleIndex == null) {
          FragmentDefinition target = doc.fragment(spread.name);
          if (target != null) recurse(target, spreadPath, indexByName);
        } else {
          List<String> names = new ArrayList<>();
          for (FragmentSpread fs : spreadPath.subList(cycleIndex, spreadPath.size() - 1)) names.add("\"" + fs.name + "\"");
          String via = names.isEmpty() ? "" : " via " + String.join(", ", names);
          addError(spread.position, "Cannot spread fragment \"" + spread.name + "\" within itself" + via + ".");
        }
        spreadPath.remove(spreadPath.size() - 1);
      }
      indexByName.remove(fragment.name);
    }

    private List<FragmentSpread> fragmentSpreads(List<Selection> node) {
      List<FragmentSpread> spreads = new ArrayList<>();
      List<List<Selection>> toVisit = new ArrayList<>();
      toVisit.add(node);
      while (!toVisit.isEmpty()) {
        List<Selection> set = toVisit.remove(toVisit.size() - 1);
        for (Selection s : Schema.nonNull(set)) {
          switch (s) {
            case FragmentSpread fs -> spreads.add(fs);
            case Field f -> toVisit.add(f.selectionSet);
            case InlineFragment i -> toVisit.add(i.selectionSet);
          }
        }
      }
      return spreads;
    }
  }

  private final class NoUndefinedVariables extends Rule {
    @Override void onValue(Value value) {
      if (currentOperation == null || value.kind != Ast.VARIABLE || value.variableDefinition != null) return;
      if (!currentOperation.name.isEmpty()) {
        addError(value.position, "Variable \"" + value + "\" is not defined by operation \"" + currentOperation.name + "\".");
      } else {
        addError(value.position, "Variable \"" + value + "\" is not defined.");
      }
    }
  }

  private final class NoUnusedFragments extends Rule {
    private boolean inFragmentDefinition;
    private final Set<String> used = new HashSet<>();

    @Override void onFragmentSpread(FragmentSpread spread) {
      if (!inFragmentDefinition) used.add(spread.name);
    }

    @Override void onFragment(FragmentDefinition frag) {
      inFragmentDefinition = true;
      if (!used.contains(frag.name)) addError(frag.position, "Fragment \"" + frag.name + "\" is never used.");
    }
  }

  private final class NoUnusedVariables extends Rule {
    @Override void onOperation(OperationDefinition op) {
      for (VariableDefinition var : Schema.nonNull(op.variableDefinitions)) {
        if (var.used) continue;
        if (!op.name.isEmpty()) {
          addError(var.position, "Variable \"$" + var.variable + "\" is never used in operation \"" + op.name + "\".");
        } else {
          addError(var.position, "Variable \"$" + var.variable + "\" is never used.");
        }
      }
    }
  }

  private final class PossibleFragmentSpreads extends Rule {
    private boolean impossible(Definition parent, String fragmentType) {
      if (parent == null) return false;
      List<Definition> parentDefs;
      switch (parent.kind) {
        case Ast.OBJECT -> parentDefs = List.of(parent);
        case Ast.INTERFACE, Ast.UNION -> parentDefs = schema.possibleTypes(parent);
        default -> { return false; }
      }
      Definition fragmentDef = schema.types.get(fragmentType);
      if (fragmentDef == null || !fragmentDef.isCompositeType()) return false;
      for (Definition f : schema.possibleTypes(fragmentDef)) {
        for (Definition p : parentDefs) if (p.name.equals(f.name)) return false;
      }
      return true;
    }

    @Override void onInlineFragment(InlineFragment inline) {
      if (impossible(inline.objectDefinition, inline.typeCondition)) {
        addError(inline.position, "Fragment cannot be spread here as objects of type \"" + inline.objectDefinition.name
            + "\" can never be of type \"" + inline.typeCondition + "\".");
      }
    }

    @Override void onFragmentSpread(FragmentSpread spread) {
      if (spread.definition == null) return;
      if (impossible(spread.objectDefinition, spread.definition.typeCondition)) {
        addError(spread.position, "Fragment \"" + spread.name + "\" cannot be spread here as objects of type \""
            + spread.objectDefinition.name + "\" can never be of type \"" + spread.definition.typeCondition + "\".");
      }
    }
  }

  private final class ProvidedRequiredArguments extends Rule {
    @Override void onField(Field field) {
      if (field.definition == null) return;
      for (ArgumentDefinition argDef : Schema.nonNull(field.definition.arguments)) {
        if (argDef.type == null || !argDef.type.nonNull || argDef.defaultValue != null) continue;
        if (hasArgument(field.arguments, argDef.name)) continue;
        addError(field.position, "Field \"" + field.name + "\" argument \"" + argDef.name + "\" of type \""
            + argDef.type + "\" is required, but it was not provided.");
      }
    }

    @Override void onDirective(Directive dir) {
      if (dir.definition == null) return;
      for (ArgumentDefinition argDef : Schema.nonNull(dir.definition.arguments)) {
        if (argDef.type == null || !argDef.type.nonNull || argDef.defaultValue != null) continue;
        if (hasArgument(dir.arguments, argDef.name)) continue;
        addError(dir.position, "Directive \"@" + dir.definition.name + "\" argument \"" + argDef.name + "\" of type \""
            + argDef.type + "\" is required, but it was not provided.");
      }
    }

    private boolean hasArgument(List<Argument> args, String name) {
      for (Argument a : Schema.nonNull(args)) if (a.name.equals(name)) return true;
      return false;
    }
  }

  private final class ScalarLeafs extends Rule {
    @Override void onField(Field field) {
      if (field.definition == null) return;
      Definition fieldType = schema.types.get(typeName(field.definition.type));
      if (fieldType == null) return;
      boolean hasSelections = !Schema.nonNull(field.selectionSet).isEmpty();
      if (fieldType.isLeafType() && hasSelections) {
        addError(field.position, "Field \"" + field.name + "\" must not have a selection since type \"" + fieldType.name
            + "\" has no subfields.");
      }
      if (!fieldType.isLeafType() && !hasSelections) {
        addError(field.position, "Field \"" + field.name + "\" of type \"" + field.definition.type
            + "\" must have a selection of subfields. Did you mean \"" + field.name + " { ... }\"?");
      }
    }
  }

  private final class SingleFieldSubscriptions extends Rule {
    private record TopField(String name, Position position) {}

    @Override void onOperation(OperationDefinition op) {
      if (schema.subscription == null || !op.operation.equals("subscription")) return;
      List<TopField> fields = new ArrayList<>();
      collect(op.selectionSet, fields, new HashSet<>());
      String name = op.name.isEmpty() ? "Anonymous Subscription" : "Subscription " + Formatter.goQuote(op.name);
      if (fields.size() > 1) addError(fields.get(1).position(), name + " must select only one top level field.");
      for (TopField f : fields) {
        if (f.name().startsWith("__")) addError(f.position(), name + " must not select an introspection top level field.");
      }
    }

    private void collect(List<Selection> set, List<TopField> out, Set<String> seen) {
      for (Selection s : Schema.nonNull(set)) {
        switch (s) {
          case Field f -> {
            if (seen.add(f.name)) out.add(new TopField(f.name, f.position));
          }
          case InlineFragment i -> collect(i.selectionSet, out, seen);
          case FragmentSpread fs -> { if (fs.definition != null) collect(fs.definition.selectionSet, out, seen); }
        }
      }
    }
  }

  private final class UniqueArgumentNames extends Rule {
    @Override void onField(Field field) { check(field.arguments); }

    @Override void onDirective(Directive dir) { check(dir.arguments); }

    private void check(List<Argument> args) {
      Set<String> known = new HashSet<>();
      for (Argument arg : Schema.nonNull(args)) {
        if (!known.add(arg.name)) addError(arg.position, "There can be only one argument named \"" + arg.name + "\".");
      }
    }
  }

  private final class UniqueDirectivesPerLocation extends Rule {
    @Override void onDirectiveList(List<Directive> dirs) {
      Set<String> seen = new HashSet<>();
      for (Directive dir : Schema.nonNull(dirs)) {
        boolean repeatable = dir.definition != null && dir.definition.isRepeatable;
        if (!seen.add(dir.name) && !repeatable) {
          addError(dir.position, "The directive \"@" + dir.name + "\" can only be used once at this location.");
        }
      }
    }
  }

  private final class UniqueFragmentNames extends Rule {
    private final Set<String> seen = new HashSet<>();

    @Override void onFragment(FragmentDefinition frag) {
      if (!seen.add(frag.name)) addError(frag.position, "There can be only one fragment named \"" + frag.name + "\".");
    }
  }

  private final class UniqueInputFieldNames extends Rule {
    @Override void onValue(Value value) {
      if (value.kind != Ast.OBJECT_VALUE) return;
      Set<String> seen = new HashSet<>();
      for (ChildValue field : Schema.nonNull(value.children)) {
        if (!seen.add(field.name)) addError(field.position, "There can be only one input field named \"" + field.name + "\".");
      }
    }
  }

  private final class UniqueOperationNames extends Rule {
    private final Set<String> seen = new HashSet<>();

    @Override void onOperation(OperationDefinition op) {
      if (!seen.add(op.name)) addError(op.position, "There can be only one operation named \"" + op.name + "\".");
    }
  }

  private final class UniqueVariableNames extends Rule {
    @Override void onOperation(OperationDefinition op) {
      Set<String> seen = new HashSet<>();
      for (VariableDefinition def : Schema.nonNull(op.variableDefinitions)) {
        if (!seen.add(def.variable)) addError(def.position, "There can be only one variable named \"$" + def.variable + "\".");
      }
    }
  }

  private final class ValuesOfCorrectType extends Rule {
    @Override void onValue(Value value) {
      if (value.definition == null || value.expectedType == null) return;
      if (value.kind == Ast.NULL_VALUE && value.expectedType.nonNull) {
        addError(value.position, "Expected value of type \"" + value.expectedType + "\", found " + value + ".");
      }
      Definition def = value.definition;
      if (def.kind.equals(Ast.SCALAR) && !def.oneOf("Int", "Float", "String", "Boolean", "ID")) return;
      List<String> possibleEnums = new ArrayList<>();
      if (def.kind.equals(Ast.ENUM)) for (EnumValueDefinition e : Schema.nonNull(def.enumValues)) possibleEnums.add(e.name);
      if (!rawValueParses(value)) unexpectedType(value);
      switch (value.kind) {
        case Ast.NULL_VALUE -> { }
        case Ast.LIST_VALUE -> { if (value.expectedType.elem == null) unexpectedType(value); }
        case Ast.INT_VALUE -> { if (!def.oneOf("Int", "Float", "ID")) unexpectedType(value); }
        case Ast.FLOAT_VALUE -> { if (!def.oneOf("Float")) unexpectedType(value); }
        case Ast.STRING_VALUE, Ast.BLOCK_VALUE -> {
          if (def.kind.equals(Ast.ENUM)) {
            addError(value.position, "Enum \"" + value.expectedType + "\" cannot represent non-enum value: " + value + "."
                + suggestQuoted("Did you mean the enum value", value.raw, possibleEnums));
          } else if (!def.oneOf("String", "ID")) {
            unexpectedType(value);
          }
        }
        case Ast.ENUM_VALUE -> {
          if (!def.kind.equals(Ast.ENUM)) {
            addError(value.position, unexpectedTypeMessage(value)
                + suggestUnquoted("Did you mean the enum value", value.raw, possibleEnums));
          } else if (def.enumValue(value.raw) == null) {
            addError(value.position, "Value \"" + value + "\" does not exist in \"" + value.expectedType + "\" enum."
                + suggestQuoted("Did you mean the enum value", value.raw, possibleEnums));
          }
        }
        case Ast.BOOLEAN_VALUE -> { if (!def.oneOf("Boolean")) unexpectedType(value); }
        case Ast.OBJECT_VALUE -> {
          for (FieldDefinition field : Schema.nonNull(def.fields)) {
            if (field.type != null && field.type.nonNull && value.child(field.name) == null && field.defaultValue == null) {
              addError(value.position, "Field \"" + def.name + "." + field.name + "\" of required type \"" + field.type
                  + "\" was not provided.");
            }
          }
          for (ChildValue child : Schema.nonNull(value.children)) {
            if (def.field(child.name) == null) {
              List<String> names = new ArrayList<>();
              for (FieldDefinition f : Schema.nonNull(def.fields)) names.add(f.name);
              addError(child.position, "Field \"" + child.name + "\" is not defined by type \"" + def.name + "\"."
                  + suggestQuoted("Did you mean", child.name, names));
            }
          }
        }
        default -> { }
      }
    }

    /** Whether gqlparser's Value.Value(nil) succeeds (number and boolean literals must parse). */
    private boolean rawValueParses(Value v) {
      switch (v.kind) {
        case Ast.INT_VALUE -> {
          try {
            Long.parseLong(v.raw);
            return true;
          } catch (NumberFormatException e) {
            return false;
          }
        }
        case Ast.FLOAT_VALUE -> {
          try {
            Double.parseDouble(v.raw);
            return !v.raw.isEmpty() && !Double.isInfinite(Double.parseDouble(v.raw));
          } catch (NumberFormatException e) {
            return false;
          }
        }
        case Ast.BOOLEAN_VALUE -> {
          return switch (v.raw) {
            case "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False" -> true;
            default -> false;
          };
        }
        case Ast.LIST_VALUE, Ast.OBJECT_VALUE -> {
          for (ChildValue c : Schema.nonNull(v.children)) {
            if (c.value != null && !rawValueParses(c.value)) return false;
          }
          return true;
        }
        default -> { return true; }
      }
    }

    private void unexpectedType(Value v) { addError(v.position, unexpectedTypeMessage(v)); }

    private String unexpectedTypeMessage(Value v) {
      return switch (v.expectedType.toString()) {
        case "Int", "Int!" -> {
          boolean outOfRange = isInteger(v.raw) && !fitsInt32(v.raw);
          yield outOfRange ? "Int cannot represent non 32-bit signed integer value: " + v
              : "Int cannot represent non-integer value: " + v;
        }
        case "String", "String!", "[String]" -> "String cannot represent a non string value: " + v;
        case "Boolean", "Boolean!" -> "Boolean cannot represent a non boolean value: " + v;
        case "Float", "Float!" -> "Float cannot represent non numeric value: " + v;
        case "ID", "ID!" -> "ID cannot represent a non-string and non-integer value: " + v;
        default -> v.definition.kind.equals(Ast.ENUM)
            ? "Enum \"" + v.expectedType + "\" cannot represent non-enum value: " + v + "."
            : "Expected value of type \"" + v.expectedType + "\", found " + v + ".";
      };
    }

    private boolean isInteger(String raw) {
      int start = raw.startsWith("-") || raw.startsWith("+") ? 1 : 0;
      if (raw.length() == start) return false;
      for (int i = start; i < raw.length(); i++) if (raw.charAt(i) < '0' || raw.charAt(i) > '9') return false;
      return true;
    }

    private boolean fitsInt32(String raw) {
      BigInteger b = new BigInteger(raw);
      return b.bitLength() < 32;
    }
  }

  private final class VariablesAreInputTypes extends Rule {
    @Override void onOperation(OperationDefinition op) {
      for (VariableDefinition def : Schema.nonNull(op.variableDefinitions)) {
        if (def.definition == null || def.definition.isInputType()) continue;
        addError(def.position, "Variable \"$" + def.variable + "\" cannot be non-input type \"" + def.type + "\".");
      }
    }
  }

  private final class VariablesInAllowedPosition extends Rule {
    @Override void onValue(Value value) {
      if (value.kind != Ast.VARIABLE || value.expectedType == null || value.variableDefinition == null
          || currentOperation == null || value.variableDefinition.type == null) {
        return;
      }
      Type expected = value.expectedType;
      boolean hasDefault = value.variableDefinition.defaultValue != null
          && value.variableDefinition.defaultValue.kind != Ast.NULL_VALUE;
      if ((hasDefault || value.expectedTypeHasDefault) && expected.nonNull) {
        Type relaxed = new Type();
        relaxed.namedType = expected.namedType;
        relaxed.elem = expected.elem;
        relaxed.nonNull = false;
        expected = relaxed;
      }
      if (!value.variableDefinition.type.isCompatible(expected)) {
        addError(value.position, "Variable \"" + value + "\" of type \"" + value.variableDefinition.type
            + "\" used in position expecting type \"" + expected + "\".");
      }
    }
  }

  // ---- overlapping fields ---------------------------------------------------------------------

  private final class OverlappingFields extends Rule {
    private final Map<String, Map<String, Boolean>> comparedFragmentPairs = new HashMap<>();
    private Set<String> comparedFragments = new HashSet<>();

    private record Conflict(String responseName, String message, List<Conflict> sub, Position position) {
      void render(StringBuilder sb) {
        if (sub == null || sub.isEmpty()) {
          sb.append(message);
          return;
        }
        for (int i = 0; i < sub.size(); i++) {
          Conflict c = sub.get(i);
          sb.append("subfields \"").append(c.responseName).append("\" conflict because ");
          c.render(sb);
          if (i != sub.size() - 1) sb.append(" and ");
        }
      }
    }

    private void report(List<Conflict> conflicts) {
      for (Conflict c : conflicts) {
        StringBuilder sb = new StringBuilder();
        c.render(sb);
        addError(c.position, "Fields \"" + c.responseName + "\" conflict because " + sb
            + ". Use different aliases on the fields to fetch both if this was intentional.");
      }
    }

    @Override void onOperation(OperationDefinition op) { report(withinSelectionSet(op.selectionSet)); }

    @Override void onField(Field field) {
      if (currentOperation == null) return;
      report(withinSelectionSet(field.selectionSet));
    }

    @Override void onInlineFragment(InlineFragment inline) { report(withinSelectionSet(inline.selectionSet)); }

    @Override void onFragment(FragmentDefinition frag) { report(withinSelectionSet(frag.selectionSet)); }

    private record FieldsAndSpreads(LinkedHashMap<String, List<Field>> fields, List<FragmentSpread> spreads) {}

    private FieldsAndSpreads collect(List<Selection> set) {
      FieldsAndSpreads out = new FieldsAndSpreads(new LinkedHashMap<>(), new ArrayList<>());
      collectInto(set, out);
      return out;
    }

    private void collectInto(List<Selection> set, FieldsAndSpreads out) {
      for (Selection s : Schema.nonNull(set)) {
        switch (s) {
          case Field f -> out.fields().computeIfAbsent(f.alias.isEmpty() ? f.name : f.alias, k -> new ArrayList<>()).add(f);
          case InlineFragment i -> collectInto(i.selectionSet, out);
          case FragmentSpread fs -> out.spreads().add(fs);
        }
      }
    }

    private List<Conflict> withinSelectionSet(List<Selection> set) {
      List<Conflict> conflicts = new ArrayList<>();
      if (Schema.nonNull(set).isEmpty()) return conflicts;
      FieldsAndSpreads fs = collect(set);
      for (List<Field> fields : fs.fields().values()) {
        for (int i = 0; i < fields.size(); i++) {
          for (int j = i + 1; j < fields.size(); j++) {
            Conflict c = findConflict(false, fields.get(i), fields.get(j));
            if (c != null) conflicts.add(c);
          }
        }
      }
      comparedFragments = new HashSet<>();
      List<FragmentSpread> spreads = fs.spreads();
      for (int i = 0; i < spreads.size(); i++) {
        betweenFieldsAndFragment(conflicts, false, fs.fields(), spreads.get(i));
        for (int j = i + 1; j < spreads.size(); j++) betweenFragments(conflicts, false, spreads.get(i), spreads.get(j));
      }
      return conflicts;
    }

    private void betweenFieldsAndFragment(List<Conflict> conflicts, boolean exclusive,
        Map<String, List<Field>> fields, FragmentSpread spread) {
      if (!comparedFragments.add(spread.name)) return;
      if (spread.definition == null) return;
      FieldsAndSpreads b = collect(spread.definition.selectionSet);
      if (sameFields(fields, b.fields())) return;
      between(conflicts, exclusive, fields, b.fields());
      for (FragmentSpread inner : b.spreads()) {
        if (inner.name.equals(spread.name)) continue;
        betweenFieldsAndFragment(conflicts, exclusive, fields, inner);
      }
    }

    private boolean sameFields(Map<String, List<Field>> a, Map<String, List<Field>> b) {
      if (!a.keySet().equals(b.keySet())) return false;
      for (Map.Entry<String, List<Field>> e : a.entrySet()) {
        List<Field> x = e.getValue();
        List<Field> y = b.get(e.getKey());
        if (x.size() != y.size()) return false;
        for (int i = 0; i < x.size(); i++) if (x.get(i) != y.get(i)) return false;
      }
      return true;
    }

    private boolean hasPair(String a, String b, boolean exclusive) {
      Map<String, Boolean> m = comparedFragmentPairs.get(a);
      if (m == null || !m.containsKey(b)) return false;
      return exclusive || !m.get(b);
    }

    private void addPair(String a, String b, boolean exclusive) {
      comparedFragmentPairs.computeIfAbsent(a, k -> new HashMap<>()).put(b, exclusive);
      comparedFragmentPairs.computeIfAbsent(b, k -> new HashMap<>()).put(a, exclusive);
    }

    private void betweenFragments(List<Conflict> conflicts, boolean exclusive, FragmentSpread a, FragmentSpread b) {
      if (a.name.equals(b.name)) return;
      if (hasPair(a.name, b.name, exclusive)) return;
      addPair(a.name, b.name, exclusive);
      if (a.definition == null || b.definition == null) return;
      FieldsAndSpreads fa = collect(a.definition.selectionSet);
      FieldsAndSpreads fb = collect(b.definition.selectionSet);
      between(conflicts, exclusive, fa.fields(), fb.fields());
      for (FragmentSpread s : fb.spreads()) betweenFragments(conflicts, exclusive, a, s);
      for (FragmentSpread s : fa.spreads()) betweenFragments(conflicts, exclusive, s, b);
    }

    private List<Conflict> betweenSubSelectionSets(boolean exclusive, List<Selection> a, List<Selection> b) {
      List<Conflict> conflicts = new ArrayList<>();
      FieldsAndSpreads fa = collect(a);
      FieldsAndSpreads fb = collect(b);
      between(conflicts, exclusive, fa.fields(), fb.fields());
      for (FragmentSpread s : fb.spreads()) {
        comparedFragments = new HashSet<>();
        betweenFieldsAndFragment(conflicts, exclusive, fa.fields(), s);
      }
      for (FragmentSpread s : fa.spreads()) {
        comparedFragments = new HashSet<>();
        betweenFieldsAndFragment(conflicts, exclusive, fb.fields(), s);
      }
      for (FragmentSpread x : fa.spreads()) {
        for (FragmentSpread y : fb.spreads()) betweenFragments(conflicts, exclusive, x, y);
      }
      return conflicts;
    }

    private void between(List<Conflict> conflicts, boolean exclusive, Map<String, List<Field>> a,
        Map<String, List<Field>> b) {
      for (Map.Entry<String, List<Field>> e : a.entrySet()) {
        List<Field> fieldsB = b.get(e.getKey());
        if (fieldsB == null) continue;
        for (Field fa : e.getValue()) {
          for (Field fb : fieldsB) {
            Conflict c = findConflict(exclusive, fa, fb);
            if (c != null) conflicts.add(c);
          }
        }
      }
    }

    private Conflict findConflict(boolean parentExclusive, Field a, Field b) {
      if (a.definition == null || a.objectDefinition == null || b.definition == null || b.objectDefinition == null) {
        return null;
      }
      boolean exclusive = parentExclusive || (!a.objectDefinition.name.equals(b.objectDefinition.name)
          && a.objectDefinition.kind.equals(Ast.OBJECT) && b.objectDefinition.kind.equals(Ast.OBJECT));
      String responseName = a.alias.isEmpty() ? a.name : a.alias;
      if (!exclusive) {
        if (!a.name.equals(b.name)) {
          return new Conflict(responseName, a.name + " and " + b.name + " are different fields", null, b.position);
        }
        if (!sameArguments(a.arguments, b.arguments)) {
          return new Conflict(responseName, "they have differing arguments", null, b.position);
        }
      }
      if (typesConflict(a.definition.type, b.definition.type)) {
        return new Conflict(responseName, "they return conflicting types " + a.definition.type + " and "
            + b.definition.type, null, b.position);
      }
      List<Conflict> sub = betweenSubSelectionSets(exclusive, a.selectionSet, b.selectionSet);
      return sub.isEmpty() ? null : new Conflict(responseName, null, sub, b.position);
    }

    private boolean sameArguments(List<Argument> x, List<Argument> y) {
      List<Argument> a = Schema.nonNull(x);
      List<Argument> b = Schema.nonNull(y);
      if (a.size() != b.size()) return false;
      for (Argument arg1 : a) {
        boolean matched = false;
        for (Argument arg2 : b) {
          if (arg1.name.equals(arg2.name) && sameValue(arg1.value, arg2.value)) {
            matched = true;
            break;
          }
        }
        if (!matched) return false;
      }
      return true;
    }

    private boolean sameValue(Value a, Value b) {
      if (a == null || b == null) return a == b;
      return a.kind == b.kind && a.raw.equals(b.raw);
    }

    private boolean typesConflict(Type t1, Type t2) {
      if (t1 == null || t2 == null) return false;
      if (t1.elem != null) return t2.elem == null || typesConflict(t1.elem, t2.elem);
      if (t2.elem != null) return true;
      if (t1.nonNull != t2.nonNull) return true;
      Definition d1 = schema.types.get(t1.namedType);
      Definition d2 = schema.types.get(t2.namedType);
      if (d1 == null || d2 == null) return false;
      if (d1.isLeafType() && d2.isLeafType()) return !d1.name.equals(d2.name);
      return false;
    }
  }
}
