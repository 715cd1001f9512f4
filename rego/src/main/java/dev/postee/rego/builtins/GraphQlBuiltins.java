package dev.postee.rego.builtins;

import dev.postee.rego.builtins.graphql.GraphQl;
import dev.postee.rego.builtins.graphql.GraphQl.GraphQlException;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.Value;

/**
 * graphql.*: parsing and validating GraphQL queries and schemas with a port of gqlparser (the
 * library OPA uses), returning its AST as OPA shapes it.
 */
public final class GraphQlBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.function("graphql.parse_query", (ctx, args) -> run(() -> GraphQl.query(args[0]).ast()));
    r.function("graphql.parse_schema", (ctx, args) -> run(() -> GraphQl.schemaDocument(args[0]).ast()));
    r.function("graphql.parse", (ctx, args) -> run(() -> {
      GraphQl.Query query = GraphQl.query(args[0]);
      GraphQl.SchemaDoc doc = GraphQl.schemaDocument(args[1]);
      Value schemaAst = doc.ast();
      GraphQl.ValidSchema schema = GraphQl.build(doc);
      Value queryAst = query.ast();
      GraphQl.validate(schema, query);
      return ArrayValue.of(queryAst, schemaAst);
    }));
    r.function("graphql.parse_and_verify", (ctx, args) -> {
      try {
        GraphQl.Query query = GraphQl.query(args[0]);
        Value queryAst = query.ast();
        GraphQl.SchemaDoc doc = GraphQl.schemaDocument(args[1]);
        Value schemaAst = doc.ast();
        GraphQl.validate(GraphQl.build(doc), query);
        return ArrayValue.of(BooleanValue.of(true), queryAst, schemaAst);
      } catch (GraphQlException e) {
        return ArrayValue.of(BooleanValue.of(false), ObjectValue.EMPTY, ObjectValue.EMPTY);
      }
    });
    r.function("graphql.is_valid", (ctx, args) -> {
      try {
        GraphQl.Query query = GraphQl.query(args[0]);
        GraphQl.validate(GraphQl.build(GraphQl.schemaDocument(args[1])), query);
        return BooleanValue.of(true);
      } catch (GraphQlException e) {
        return BooleanValue.of(false);
      }
    });
    r.function("graphql.schema_is_valid", (ctx, args) -> {
      try {
        GraphQl.build(GraphQl.schemaDocument(args[0]));
        return BooleanValue.of(true);
      } catch (GraphQlException e) {
        return BooleanValue.of(false);
      }
    });
  }

  private static Value run(java.util.function.Supplier<Value> body) {
    try {
      return body.get();
    } catch (GraphQlException e) {
      throw BuiltinException.error(e.getMessage());
    }
  }
}
