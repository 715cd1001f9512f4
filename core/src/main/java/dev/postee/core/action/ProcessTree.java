package dev.postee.core.action;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Starting scripts in a session of their own and killing everything they started. Descendants are
 * found through parent links, which background processes lose when their parent exits; on Linux,
 * members of the script's session are found through /proc as well, which catches those.
 */
final class ProcessTree {
  private static final Path PROC = Path.of("/proc");
  /** util-linux or busybox {@code setsid}: makes the script lead a new session (and process group). */
  private static final Optional<Path> SETSID = Optional.<Path>empty()
      .or(() -> executable("/usr/bin/setsid"))
      .or(() -> executable("/bin/setsid"));

  private ProcessTree() {}

  private static Optional<Path> executable(String path) {
    Path p = Path.of(path);
    return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
  }

  /**
   * {@code command} prefixed so that it runs in its own session when the platform allows; a
   * process started by the JVM is not a group leader, so {@code setsid} execs without forking and
   * the script keeps the pid the JVM sees.
   */
  static List<String> inOwnSession(List<String> command) {
    if (!sessionsSupported()) return command;
    List<String> out = new ArrayList<>(command.size() + 1);
    out.add(SETSID.get().toString());
    out.addAll(command);
    return out;
  }

  static boolean sessionsSupported() {
    return SETSID.isPresent() && Files.isDirectory(PROC);
  }

  /**
   * Kills {@code root}, its descendants and, when {@code leadsSession} (it was started through
   * {@link #inOwnSession}), every other process of its session, with SIGKILL. Repeats a few times so
   * that a process forked during the sweep is caught.
   *
   * @return how many processes were signalled
   */
  static int kill(ProcessHandle root, boolean leadsSession) {
    Set<Long> signalled = new HashSet<>();
    for (int round = 0; round < 5; round++) {
      List<ProcessHandle> victims = new ArrayList<>();
      if (root.isAlive()) victims.add(root);
      root.descendants().forEach(victims::add);
      if (leadsSession) victims.addAll(sessionMembers(root));
      victims.removeIf(p -> !isRunning(p.pid()));
      if (victims.isEmpty()) break;
      victims.forEach(p -> {
        p.destroyForcibly();
        signalled.add(p.pid());
      });
    }
    return signalled.size();
  }

  /**
   * Live processes of the session {@code leader} started; empty where /proc is not available.
   * Linux keeps a session id from being reused while any member lives, but once all are gone the
   * number may lead a new, unrelated session: a live leader other than ours means exactly that.
   */
  static List<ProcessHandle> sessionMembers(ProcessHandle leader) {
    List<ProcessHandle> out = new ArrayList<>();
    if (!sessionsSupported()) return out;
    long sid = leader.pid();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> isNumeric(p.getFileName().toString()))) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        long[] stat = stat(pid);
        if (stat == null || stat[1] != sid || stat[0] == 'Z') continue;
        if (pid == sid && !leader.isAlive()) return List.of();
        ProcessHandle.of(pid).ifPresent(out::add);
      }
    } catch (IOException e) {
      // /proc unreadable: descendants found through parent links are still killed.
    }
    return out;
  }

  /** True while the process exists and is not a zombie (killed but not yet reaped by its parent). */
  static boolean isRunning(long pid) {
    if (!Files.isDirectory(PROC)) return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    long[] stat = stat(pid);
    return stat != null && stat[0] != 'Z';
  }

  /** {state, session id} from /proc/[pid]/stat, or null when the process is gone. */
  private static long[] stat(long pid) {
    String text;
    try {
      text = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1);
    } catch (IOException gone) {
      return null;
    }
    // "pid (comm) state ppid pgrp session ..."; comm may itself contain spaces and parentheses.
    int close = text.lastIndexOf(')');
    if (close < 0) return null;
    String[] f = text.substring(close + 2).split(" ");
    if (f.length < 4 || f[0].isEmpty()) return null;
    try {
      return new long[] {f[0].charAt(0), Long.parseLong(f[3])};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean isNumeric(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
