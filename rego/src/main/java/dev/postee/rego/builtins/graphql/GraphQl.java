package dev.postee.rego.builtins.graphql;

import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.List;

/**
 * The GraphQL operations behind OPA's graphql.* builtins: parse queries and schemas (from text or
 * from AST objects), build and validate schemas, validate queries, and render results and errors
 * as OPA does.
 */
public final class GraphQl {
  private GraphQl() {}

  /** A failure, with the message OPA reports (without the builtin name prefix). */
  public static final class GraphQlException extends RuntimeException {
    GraphQlException(String message) { super(message, null, false, false); }
  }

  /** A query document parsed from text or decoded from an AST object. */
  public static final class Query {
    private final Ast.QueryDocument doc;

    private Query(Ast.QueryDocument doc) { this.doc = doc; }

    /** The AST as OPA returns it (positions and empty members pruned). */
    public Value ast() { return AstCodec.query(doc); }
  }

  /** A schema document parsed from text or decoded from an AST object. */
  public static final class SchemaDoc {
    private final Ast.SchemaDocument doc;

    private SchemaDoc(Ast.SchemaDocument doc) { this.doc = doc; }

    public Value ast() { return AstCodec.schema(doc); }
  }

  /** A validated schema, ready to validate queries against. */
  public static final class ValidSchema {
    private final Schema schema;

    private ValidSchema(Schema schema) { this.schema = schema; }
  }

  public static Query query(Value input) {
    try {
      if (input instanceof StringValue s) return new Query(Parser.parseQuery(s.value()));
      return new Query(AstCodec.decodeQuery((ObjectValue) input));
    } catch (GqlError.Failure f) {
      throw new GraphQlException(format(f));
    } catch (AstCodec.Abort a) {
      throw new GraphQlException(a.getMessage());
    }
  }

  public static SchemaDoc schemaDocument(Value input) {
    try {
      if (input instanceof StringValue s) return new SchemaDoc(Parser.parseSchema(s.value(), false));
      return new SchemaDoc(AstCodec.decodeSchema((ObjectValue) input));
    } catch (GqlError.Failure f) {
      throw new GraphQlException(format(f));
    } catch (AstCodec.Abort a) {
      throw new GraphQlException(a.getMessage());
    }
  }

  /** Merges the prelude and checks the schema ("Error in gqlparser SchemaDocument to Schema conversion: ..."). */
  public static ValidSchema build(SchemaDoc doc) {
    try {
      return new ValidSchema(Schema.load(doc.doc));
    } catch (GqlError.Failure f) {
      throw new GraphQlException("Error in gqlparser SchemaDocument to Schema conversion: " + f.rendered);
    }
  }

  /** Validates the query against the schema; throws with the rendered errors when invalid. */
  public static void validate(ValidSchema schema, Query query) {
    List<GqlError> errors;
    try {
      errors = Validator.validate(schema.schema, query.doc);
    } catch (GqlError.Failure f) {
      throw new GraphQlException(f.rendered);
    }
    if (!errors.isEmpty()) throw new GraphQlException(format(GqlError.text(errors)));
  }

  private static String format(GqlError.Failure f) {
    return f.errors.isEmpty() ? f.rendered : format(f.rendered);
  }

  /** OPA's formatGqlParserError: "MESSAGE in GraphQL string at location L:C" when a location leads the text. */
  static String format(String text) {
    String[] parts = text.split(":", 4);
    if (parts.length >= 4 && digits(parts[1]) && digits(parts[2])) {
      String msg = parts[3].replaceFirst("^ +", "");
      if (msg.endsWith(".\n")) msg = msg.substring(0, msg.length() - 2);
      return msg + " in GraphQL string at location " + Long.parseLong(parts[1]) + ":" + Long.parseLong(parts[2]);
    }
    return "GraphQL parse error: " + text;
  }

  private static boolean digits(String s) {
    if (s.isEmpty() || s.length() > 18) return false;
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    return true;
  }
}
