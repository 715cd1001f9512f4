package dev.postee.rego.cli;

import dev.postee.rego.conformance.ConformanceRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code postee rego ...}: eval, test, bench and conformance. Returns the process exit code.
 */
public final class RegoCli {
  private final PrintStream out;
  private final PrintStream err;

  public RegoCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new RegoCli(System.out, System.err).run(args));
  }

  public int run(String[] args) {
    if (args.length == 0) {
      usage();
      return 2;
    }
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (args[0]) {
        case "conformance" -> conformance(rest);
        default -> {
          err.println("postee rego: unknown command '" + args[0] + "'");
          usage();
          yield 2;
        }
      };
    } catch (UsageException e) {
      err.println("postee rego " + args[0] + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("postee rego " + args[0] + ": " + e.getMessage());
      return 1;
    }
  }

  private void usage() {
    err.println("usage: postee rego conformance DIR... [--skip FILE]");
  }

  static final class UsageException extends RuntimeException {
    UsageException(String m) { super(m); }
  }

  private int conformance(String[] args) throws Exception {
    List<Path> dirs = new ArrayList<>();
    List<ConformanceRunner.Skip> skips = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--skip")) {
        if (i + 1 >= args.length) throw new UsageException("--skip needs a file");
        skips.addAll(ConformanceRunner.readSkips(Path.of(args[++i])));
      } else if (args[i].startsWith("--skip=")) {
        skips.addAll(ConformanceRunner.readSkips(Path.of(args[i].substring(7))));
      } else {
        dirs.add(Path.of(args[i]));
      }
    }
    if (dirs.isEmpty()) throw new UsageException("give at least one directory of YAML case files");
    ConformanceRunner.Summary s = new ConformanceRunner(skips).run(dirs);
    for (ConformanceRunner.Outcome o : s.outcomes()) {
      if (o.status() != ConformanceRunner.Status.FAIL) continue;
      out.println("FAIL " + o.file() + " #" + o.index() + " " + o.note());
      out.println("  expected: " + o.expected());
      out.println("  got:      " + o.got());
    }
    out.println(s.line());
    return s.failed() == 0 ? 0 : 1;
  }
}
