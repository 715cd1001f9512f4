package dev.postee.cluster.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Every NATS subject, stream, consumer and KV bucket of the Controller/Runner protocol, in one
 * place. Runner names become subject tokens with {@link #token}: per-runner permissions are written
 * against these subjects, so a runner can only publish and receive its own traffic.
 *
 * <pre>
 *   postee.v1.config.{runner}          request/reply: a runner asks for its configuration
 *   postee.v1.runner.{runner}.config   push: the controller sends a runner its new configuration
 *   postee.v1.heartbeat.{runner}       runner liveness (every few seconds)
 *   postee.v1.delegate.{runner}        stream POSTEE_DELEGATIONS: work for that runner
 *   postee.v1.events.{runner}          stream POSTEE_EVENTS: events a runner received (runner-local flow)
 *   $KV.POSTEE_RESULTS.{runner}.{exec} KV POSTEE_RESULTS: outcome of each delegated execution
 *   postee.config / postee.events      Go Postee runners (legacy, compatibility)
 * </pre>
 */
public final class Subjects {
  private Subjects() {}

  public static final String PREFIX = "postee.v1";
  public static final String DELEGATIONS_STREAM = "POSTEE_DELEGATIONS";
  public static final String EVENTS_STREAM = "POSTEE_EVENTS";
  public static final String RESULTS_BUCKET = "POSTEE_RESULTS";
  public static final String EVENTS_CONSUMER = "controllers";
  public static final String CONTROLLERS_QUEUE = "postee-controllers";
  public static final String LEGACY_CONFIG = "postee.config";
  public static final String LEGACY_EVENTS = "postee.events";

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]+");

  /**
   * A runner name as a subject token / consumer name: kept when it is only letters, digits, '-' and
   * '_'; otherwise the unsafe characters become '_' and a short hash of the real name keeps tokens
   * of different names apart ("node-1.example.com" → "node-1_example_com-3f2a9c1b").
   */
  public static String token(String runnerName) {
    if (runnerName == null || runnerName.isEmpty()) throw new IllegalArgumentException("runner name is empty");
    if (SAFE.matcher(runnerName).matches()) return runnerName;
    String cleaned = runnerName.replaceAll("[^A-Za-z0-9_-]", "_");
    return cleaned + "-" + shortHash(runnerName);
  }

  private static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String configRequest(String runner) { return PREFIX + ".config." + token(runner); }

  public static String configRequestAll() { return PREFIX + ".config.*"; }

  public static String configPush(String runner) { return PREFIX + ".runner." + token(runner) + ".config"; }

  public static String runnerPrefix(String runner) { return PREFIX + ".runner." + token(runner) + ".>"; }

  public static String heartbeat(String runner) { return PREFIX + ".heartbeat." + token(runner); }

  public static String heartbeatAll() { return PREFIX + ".heartbeat.*"; }

  public static String delegate(String runner) { return PREFIX + ".delegate." + token(runner); }

  public static String delegateAll() { return PREFIX + ".delegate.*"; }

  public static String events(String runner) { return PREFIX + ".events." + token(runner); }

  public static String eventsAll() { return PREFIX + ".events.*"; }

  /** The durable consumer of a runner's delegations. */
  public static String delegationConsumer(String runner) { return "runner_" + token(runner); }

  /** KV key of a delegated execution's result. */
  public static String resultKey(String runner, String executionId) { return token(runner) + "." + executionId; }

  /** The subject a runner publishes its results on (a KV put). */
  public static String resultSubject(String runner, String executionId) {
    return "$KV." + RESULTS_BUCKET + "." + resultKey(runner, executionId);
  }

  /** Inbox prefix of a runner's connection: replies to it are readable only by that runner. */
  public static String inboxPrefix(String runner) { return "_INBOX_" + token(runner) + "."; }
}
