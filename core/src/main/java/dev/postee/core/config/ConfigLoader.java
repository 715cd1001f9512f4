package dev.postee.core.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads a Postee config (SPEC §4): YAML in either shape, keys ignoring case, {@code $VAR}
 * substitution, and validation that reports every problem with its position. Immutable and
 * thread-safe; options are set with the {@code with...} methods, each returning a new loader.
 *
 * <pre>{@code
 * ConfigLoadResult result = ConfigLoader.defaults().withRegoSyntaxChecker(parser).load(path);
 * if (!result.isLoaded()) System.err.println(result.formatProblems());
 * }</pre>
 */
public final class ConfigLoader {
  private final Map<String, String> environment;
  private final boolean strict;
  private final RegoSyntaxChecker regoChecker;

  private ConfigLoader(Map<String, String> environment, boolean strict, RegoSyntaxChecker regoChecker) {
    this.environment = environment;
    this.strict = strict;
    this.regoChecker = regoChecker;
  }

  /** Process environment, unknown keys as warnings, Rego not checked. */
  public static ConfigLoader defaults() {
    return new ConfigLoader(System.getenv(), false, RegoSyntaxChecker.NONE);
  }

  /** Where {@code $NAME} and {@code ${NAME}} are looked up. */
  public ConfigLoader withEnvironment(Map<String, String> variables) {
    return new ConfigLoader(Map.copyOf(variables), strict, regoChecker);
  }

  /** In strict mode an unknown key is an error instead of a warning. */
  public ConfigLoader strict(boolean strictMode) {
    return new ConfigLoader(environment, strictMode, regoChecker);
  }

  /** Checks route inputs and template bodies at load with the given parser. */
  public ConfigLoader withRegoSyntaxChecker(RegoSyntaxChecker checker) {
    return new ConfigLoader(environment, strict, Objects.requireNonNull(checker, "checker"));
  }

  /** Loads {@code file}; a file that cannot be read is reported as a problem, not thrown. */
  public ConfigLoadResult load(Path file) {
    String name = file.toString();
    try {
      long size = Files.size(file);
      if (size > YamlReader.MAX_CHARS) {
        return failed(name, "the file is " + size + " bytes; a config may be at most " + YamlReader.MAX_CHARS
            + " bytes");
      }
      return load(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString(), name);
    } catch (NoSuchFileException e) {
      return failed(name, "the config file does not exist; check the path (--cfgfile or POSTEE_CFG)");
    } catch (CharacterCodingException e) {
      return failed(name, "the file is not UTF-8 text; save it as UTF-8");
    } catch (IOException e) {
      return failed(name, "the config file cannot be read: " + e);
    }
  }

  /** Loads config text; {@code fileName} names it in problem locations. */
  public ConfigLoadResult load(String text, String fileName) {
    Problems problems = new Problems(strict);
    String withoutBom = text.startsWith("\uFEFF") ? text.substring(1) : text;
    Optional<PosteeConfig> config = new YamlReader(fileName, problems).read(withoutBom).flatMap(root ->
        new ConfigBinder(fileName, withoutBom, problems, new EnvSubstitution(environment, problems), regoChecker)
            .bind(root));
    return new ConfigLoadResult(fileName, problems.hasErrors() ? Optional.empty() : config, problems.all());
  }

  private static ConfigLoadResult failed(String file, String message) {
    Problems problems = new Problems(false);
    problems.error(new SourceLocation(file, 0, 0), message);
    return new ConfigLoadResult(file, Optional.empty(), problems.all());
  }
}
