package dev.postee.core.config;

import dev.postee.core.config.YamlNode.Entry;
import dev.postee.core.config.YamlNode.Mapping;
import dev.postee.core.config.YamlNode.Scalar;
import dev.postee.core.config.YamlNode.ScalarStyle;
import dev.postee.core.config.YamlNode.ScalarType;
import dev.postee.core.config.YamlNode.Sequence;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses YAML text into {@link YamlNode}s with positions, reporting syntax errors, duplicate keys
 * (ignoring case) and recursive aliases as problems instead of throwing.
 */
final class YamlReader {
  /** Largest accepted config, in characters; anything bigger is a mistake, not a config. */
  static final int MAX_CHARS = 4 * 1024 * 1024;
  /** Bound on values after alias expansion, so a "billion laughs" file cannot exhaust memory. */
  static final int MAX_VALUES = 200_000;

  private final String file;
  private final Problems problems;
  private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
  private int values;

  YamlReader(String file, Problems problems) {
    this.file = file;
    this.problems = problems;
  }

  /** The document's root node, or empty when it has none or does not parse (problems say why). */
  Optional<YamlNode> read(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CHARS);
    options.setAllowDuplicateKeys(true); // reported by us, with both positions
    Node root;
    try {
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      problems.error(locationOf(e), "the file is not valid YAML: " + syntaxMessage(e));
      return Optional.empty();
    } catch (YAMLException e) {
      problems.error(new SourceLocation(file, 0, 0), "the file is not valid YAML: " + e.getMessage());
      return Optional.empty();
    }
    if (root == null) {
      problems.error(new SourceLocation(file, 1, 1),
          "the file is empty; expected a mapping with routes, templates and actions");
      return Optional.empty();
    }
    try {
      return Optional.of(convert(root));
    } catch (TooManyValues e) {
      problems.error(new SourceLocation(file, 1, 1), "the file expands to more than " + MAX_VALUES
          + " values (through aliases); expected a config of reasonable size");
      return Optional.empty();
    }
  }

  /** Unwinds the conversion once the value budget is spent; reported by {@link #read}. */
  private static final class TooManyValues extends RuntimeException {
    TooManyValues() {
      super(null, null, false, false);
    }
  }

  private SourceLocation locationOf(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    return mark == null ? new SourceLocation(file, 0, 0) : location(mark);
  }

  private String syntaxMessage(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? "syntax error" : e.getProblem();
    if (e.getContext() != null && e.getContextMark() != null && e.getContextMark() != e.getProblemMark()) {
      return problem + " (" + e.getContext() + " at line " + (e.getContextMark().getLine() + 1) + ")";
    }
    return problem;
  }

  private SourceLocation location(Mark mark) {
    return new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
  }

  private YamlNode convert(Node node) {
    if (++values > MAX_VALUES) {
      throw new TooManyValues();
    }
    SourceLocation where = location(node.getStartMark());
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar);
    }
    if (!inProgress.add(node)) {
      problems.error(where, "this alias refers to a block that contains itself; expected a finite value");
      return new Scalar("", ScalarType.NULL, ScalarStyle.PLAIN, where);
    }
    try {
      if (node instanceof SequenceNode sequence) {
        List<YamlNode> items = new ArrayList<>();
        sequence.getValue().forEach(item -> items.add(convert(item)));
        return new Sequence(List.copyOf(items), where);
      }
      return mapping((MappingNode) node, where);
    } finally {
      inProgress.remove(node);
    }
  }

  private Scalar scalar(ScalarNode node) {
    Tag tag = node.getTag();
    ScalarType type = Tag.NULL.equals(tag) ? ScalarType.NULL
        : Tag.BOOL.equals(tag) ? ScalarType.BOOLEAN
        : Tag.INT.equals(tag) ? ScalarType.INTEGER
        : Tag.FLOAT.equals(tag) ? ScalarType.FLOAT
        : ScalarType.STRING;
    ScalarStyle style = switch (node.getScalarStyle()) {
      case SINGLE_QUOTED -> ScalarStyle.SINGLE_QUOTED;
      case DOUBLE_QUOTED -> ScalarStyle.DOUBLE_QUOTED;
      case LITERAL -> ScalarStyle.LITERAL;
      case FOLDED -> ScalarStyle.FOLDED;
      default -> ScalarStyle.PLAIN;
    };
    return new Scalar(node.getValue(), type, style, location(node.getStartMark()));
  }

  private Mapping mapping(MappingNode node, SourceLocation where) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    List<Mapping> merged = new ArrayList<>();
    for (NodeTuple tuple : node.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (Tag.MERGE.equals(keyNode.getTag())) {
        merged.addAll(mergedMappings(convert(tuple.getValueNode())));
        continue;
      }
      if (!(keyNode instanceof ScalarNode scalarKey)) {
        problems.error(location(keyNode.getStartMark()), "a key must be a plain name, but found a "
            + (keyNode instanceof SequenceNode ? "list" : "mapping") + "; write the key as text");
        continue;
      }
      Entry entry = new Entry(scalar(scalarKey), convert(tuple.getValueNode()));
      Entry first = entries.putIfAbsent(entry.normalizedKey(), entry);
      if (first != null) {
        problems.error(entry.key().location(), "key '" + entry.key().text() + "' is given twice in this mapping"
            + " (first at line " + first.key().location().line() + "; keys are matched ignoring case); keep one");
      }
    }
    // Merge keys (<<: *defaults) supply entries the mapping does not write itself.
    for (Mapping source : merged) {
      source.entries().forEach(e -> entries.putIfAbsent(e.normalizedKey(), e));
    }
    return new Mapping(List.copyOf(entries.values()), where);
  }

  private List<Mapping> mergedMappings(YamlNode value) {
    if (value instanceof Mapping mapping) {
      return List.of(mapping);
    }
    if (value instanceof Sequence sequence && sequence.items().stream().allMatch(Mapping.class::isInstance)) {
      return sequence.items().stream().map(Mapping.class::cast).toList();
    }
    problems.error(value.location(), "a merge key (<<) needs a mapping or a list of mappings, but found "
        + value.describe());
    return List.of();
  }
}
