package dev.postee.rego;

import dev.postee.rego.ast.Module;
import dev.postee.rego.ast.ParseException;
import dev.postee.rego.ast.Parser;
import dev.postee.rego.builtins.BuiltinRegistry;
import dev.postee.rego.compile.CompileError;
import dev.postee.rego.compile.CompileException;
import dev.postee.rego.compile.Compiler;
import dev.postee.rego.compile.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Entry point of the engine: collect modules, compile once into an immutable, thread-safe
 * {@link PreparedPolicy}, then prepare queries and evaluate them many times.
 *
 * <pre>{@code
 * PreparedPolicy policy = Rego.builder().module("filter.rego", src).compile();
 * PreparedQuery q = policy.prepare("data.postee.allow");
 * boolean allow = q.evalBoolean(input);
 * }</pre>
 */
public final class Rego {
  private Rego() {}

  public static Builder builder() { return new Builder(); }

  /** Collects module sources; {@link #compile()} parses and compiles them all, reporting every error. */
  public static final class Builder {
    private final Map<String, String> sources = new LinkedHashMap<>();
    private BuiltinRegistry builtins = BuiltinRegistry.standard();
    private Parser.Syntax syntax = Parser.Syntax.AUTO;
    private boolean experimental;

    public Builder module(String fileName, String source) {
      sources.put(fileName, source);
      return this;
    }

    /** Adds a .rego file, or every .rego file under a directory (recursively, sorted). */
    public Builder load(Path fileOrDir) throws IOException {
      if (Files.isDirectory(fileOrDir)) {
        try (Stream<Path> s = Files.walk(fileOrDir)) {
          for (Path p : s.filter(x -> x.toString().endsWith(".rego") && Files.isRegularFile(x)).sorted().toList()) {
            module(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
          }
        }
      } else {
        module(fileOrDir.toString(), Files.readString(fileOrDir, StandardCharsets.UTF_8));
      }
      return this;
    }

    public Builder builtins(BuiltinRegistry registry) {
      this.builtins = registry;
      return this;
    }

    /** Forces v1 or v0 syntax for all modules (default: decided per module). */
    public Builder syntax(Parser.Syntax s) {
      this.syntax = s;
      return this;
    }

    /** Lets modules import OPA's experimental and/or keywords ({@code import future.keywords.and}). */
    public Builder experimentalKeywords(boolean on) {
      this.experimental = on;
      return this;
    }

    public PreparedPolicy compile() {
      List<Module> modules = new ArrayList<>();
      List<CompileError> errors = new ArrayList<>();
      for (Map.Entry<String, String> e : sources.entrySet()) {
        try {
          modules.add(Parser.parseModule(e.getKey(), e.getValue(), syntax, experimental));
        } catch (ParseException pe) {
          errors.add(new CompileError(CompileError.PARSE, pe.location(), pe.detail()));
        }
      }
      if (!errors.isEmpty()) throw new CompileException(errors);
      Policy policy = Compiler.compile(modules, builtins);
      return new PreparedPolicy(policy);
    }
  }
}
