package dev.postee.core.config;

import dev.postee.core.config.YamlNode.Scalar;
import dev.postee.core.config.YamlNode.ScalarStyle;
import java.util.List;

/**
 * Maps a position inside a scalar's text (as a Rego parser reports it) to the position in the YAML
 * file. Exact for literal blocks ({@code |}), single-line plain or quoted values without escapes,
 * and plain values folded over several lines; otherwise (escapes, folded blocks past their first
 * line) it falls back to the start of the value.
 */
final class RegoPositions {
  private final List<String> fileLines;

  RegoPositions(String text) {
    this.fileLines = text.lines().toList();
  }

  SourceLocation locate(Scalar scalar, int textLine, int textColumn) {
    SourceLocation start = scalar.location();
    if (textLine < 1 || textColumn < 1) {
      return start;
    }
    return switch (scalar.style()) {
      case LITERAL, FOLDED -> inBlock(scalar, textLine, textColumn);
      case PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED -> textLine == 1 ? inFlow(scalar, textColumn) : start;
    };
  }

  /** The text's line i is the file line i below the indicator; its indentation was stripped. */
  private SourceLocation inBlock(Scalar scalar, int textLine, int textColumn) {
    SourceLocation start = scalar.location();
    int index = start.line() - 1 + textLine;
    List<String> textLines = scalar.text().lines().toList();
    if (index >= fileLines.size() || textLine > textLines.size()
        || (scalar.style() == ScalarStyle.FOLDED && textLine > 1)) {
      return start;
    }
    String raw = fileLines.get(index);
    String content = textLines.get(textLine - 1);
    int indent = !content.isEmpty() && raw.endsWith(content)
        ? raw.length() - content.length()
        : raw.length() - raw.stripLeading().length();
    return new SourceLocation(start.file(), index + 1, indent + textColumn);
  }

  /** Walks the file lines a flow value spans: each line break of the file is one space of the text. */
  private SourceLocation inFlow(Scalar scalar, int textColumn) {
    SourceLocation start = scalar.location();
    boolean quoted = scalar.style() != ScalarStyle.PLAIN;
    int index = start.line() - 1;
    int column = start.column() - 1 + (quoted ? 1 : 0);
    int offset = textColumn - 1;
    String firstLine = scalar.text().lines().findFirst().orElse("");
    if (index >= fileLines.size() || (quoted && !fileLines.get(index).startsWith(firstLine, column))) {
      return start; // escapes or folding inside quotes: text and file differ
    }
    while (index < fileLines.size()) {
      String raw = fileLines.get(index);
      int segment = raw.stripTrailing().length() - column;
      if (offset <= segment || index + 1 == fileLines.size()) {
        return new SourceLocation(start.file(), index + 1, column + offset + 1);
      }
      offset -= segment + 1;
      index++;
      String next = fileLines.get(index);
      column = next.length() - next.stripLeading().length();
    }
    return start;
  }
}
