package dev.postee.cluster.nats;

import dev.postee.cluster.protocol.Subjects;
import io.nats.client.NKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NKeys and who may do what on the backplane.
 *
 * <p>Seed files ({@code --controller-seed-file}, {@code --runner-seed-file}) are read in every shape
 * the NATS tools write: a bare seed line ({@code nk -gen user}), a decorated seed block, or a
 * {@code .creds} file (a user JWT followed by the seed, for an operator-mode cluster).
 *
 * <p>Two authorization models:
 *
 * <ul>
 *   <li><b>Per-runner keys</b> ({@link Authorization#perRunner}): the controller's key may do
 *       everything; each runner's key may publish and receive only its own subjects
 *       ({@link #runnerPermissions}), so runner A can neither read runner B's configuration nor take
 *       or acknowledge B's work.
 *   <li><b>Shared seed</b> ({@link Authorization#sharedSeed}), Go Postee's model: one key for the
 *       controller and all runners, with every permission. Whoever holds it — any runner — can read
 *       every runner's configuration (and its secrets) and every delegation. Kept for compatibility
 *       with existing deployments and unmodified Go Postee runners.
 * </ul>
 */
public final class NatsAuth {
  private static final Logger LOG = LoggerFactory.getLogger(NatsAuth.class);
  private static final Pattern SEED_LINE = Pattern.compile("S[OACUNX][A-Z2-7]{56}");
  private static final Pattern DECORATION = Pattern.compile("-{3,}[^-].*[^-]-{3,}");

  private NatsAuth() {}

  /** A user key pair; {@code seed} is the secret. */
  public record UserKey(String publicKey, String seed) {
    public UserKey {
      Objects.requireNonNull(publicKey, "publicKey");
      Objects.requireNonNull(seed, "seed");
    }

    @Override
    public String toString() {
      return "UserKey[" + publicKey + "]"; // never the seed
    }
  }

  /** What a seed file holds: the user key and, for a {@code .creds} file, the user JWT. */
  public record Credentials(UserKey key, String jwt) {
    public boolean hasJwt() {
      return jwt != null;
    }

    @Override
    public String toString() {
      return "Credentials[" + key.publicKey() + (jwt != null ? ", with JWT" : "") + "]";
    }
  }

  /**
   * Subjects a user may publish to and subscribe to; wildcards as in NATS. An empty publish list
   * denies every publish.
   */
  public record Permissions(List<String> publishAllow, List<String> subscribeAllow) {
    public Permissions {
      publishAllow = List.copyOf(publishAllow);
      subscribeAllow = List.copyOf(subscribeAllow);
    }
  }

  /**
   * One user of the generated {@code authorization} section.
   *
   * @param nkey the public user key ("U…")
   * @param permissions null = everything (the controller, or the shared seed)
   * @param description who this is, written as a comment into the server config
   */
  public record User(String nkey, Permissions permissions, String description) {
    public User {
      Objects.requireNonNull(nkey, "nkey");
      if (!isPublicUserKey(nkey)) {
        throw new BackplaneException("'" + nkey + "'" + (description != null ? " (" + description + ")" : "")
            + " is not an NKey public user key (it starts with U and has 56 characters);"
            + " get it from the seed with 'nk -inkey FILE -pubout'");
      }
    }

    public boolean unrestricted() {
      return permissions == null;
    }
  }

  /** The users the local {@code nats-server} accepts; an empty list means no authentication. */
  public record Authorization(List<User> users) {
    public static final Authorization NONE = new Authorization(List.of());

    public Authorization {
      users = List.copyOf(users);
      Map<String, String> seen = new HashMap<>();
      for (User u : users) {
        String previous = seen.putIfAbsent(u.nkey(), String.valueOf(u.description()));
        if (previous != null) {
          throw new BackplaneException("NKey " + u.nkey() + " is used by both " + previous + " and " + u.description()
              + "; with per-runner keys every runner needs a seed of its own (generate one with 'nk -gen user')");
        }
      }
    }

    /** Go Postee's model: one key, every permission, for the controller and all runners. */
    public static Authorization sharedSeed(String publicKey) {
      return new Authorization(List.of(new User(publicKey, null, "controller and runners (shared seed)")));
    }

    /**
     * The controller may do everything; each runner (name → public key) only its own traffic.
     *
     * @param legacyRunnerKeys keys of unmodified Go Postee runners, given {@link #legacyRunnerPermissions}
     */
    public static Authorization perRunner(String controllerKey, Map<String, String> runnerKeys,
        List<String> legacyRunnerKeys) {
      List<User> users = new ArrayList<>();
      users.add(new User(controllerKey, null, "controller"));
      new LinkedHashMap<>(runnerKeys).forEach((runner, key) ->
          users.add(new User(key, runnerPermissions(runner), "runner " + runner)));
      for (String key : legacyRunnerKeys) users.add(new User(key, legacyRunnerPermissions(), "Go Postee runner"));
      return new Authorization(users);
    }

    public static Authorization perRunner(String controllerKey, Map<String, String> runnerKeys) {
      return perRunner(controllerKey, runnerKeys, List.of());
    }

    public boolean enabled() {
      return !users.isEmpty();
    }
  }

  /**
   * What runner {@code runnerName} may do: ask for and receive its configuration, heartbeat, report
   * events, take, acknowledge (also "in progress") and inspect its own delegations, and put its own
   * results; replies reach it only on its own inbox prefix ({@link Subjects#inboxPrefix}), which
   * its connection must use. The JetStream API subjects are the minimum the jnats client needs for
   * {@code js.publish} (PubAck on the inbox) and for a pull subscription bound to an existing
   * durable consumer ({@code PullSubscribeOptions.bind}) — established by {@code RunnerPermissionsTest}.
   */
  public static Permissions runnerPermissions(String runnerName) {
    String t = Subjects.token(runnerName);
    String consumer = Subjects.DELEGATIONS_STREAM + "." + Subjects.delegationConsumer(runnerName);
    return new Permissions(
        List.of(
            Subjects.configRequest(runnerName),
            Subjects.heartbeat(runnerName),
            Subjects.events(runnerName),
            "$KV." + Subjects.RESULTS_BUCKET + "." + t + ".>",
            "$JS.API.CONSUMER.MSG.NEXT." + consumer,
            "$JS.ACK." + consumer + ".>",
            "$JS.API.CONSUMER.INFO." + consumer),
        List.of(
            Subjects.inboxPrefix(runnerName) + ">",
            Subjects.runnerPrefix(runnerName)));
  }

  /**
   * An unmodified Go Postee runner: it requests its configuration on {@code postee.config}, sends
   * raw events on {@code postee.events} and receives replies on the default {@code _INBOX.} prefix.
   * That prefix is shared by all such runners and the payload of {@code postee.config} names the
   * runner, so these permissions do not keep Go Postee runners apart from each other; they only keep
   * them away from the {@code postee.v1} protocol.
   */
  public static Permissions legacyRunnerPermissions() {
    return new Permissions(List.of(Subjects.LEGACY_CONFIG, Subjects.LEGACY_EVENTS), List.of("_INBOX.>"));
  }

  /** True for a public user key; false for anything else, seeds included (jnats throws for some). */
  static boolean isPublicUserKey(String key) {
    try {
      return key.startsWith("U") && NKey.isValidPublicUserKey(key.toCharArray());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Generates a new user key pair. */
  public static UserKey generateUserKey() {
    try {
      NKey key = NKey.createUser(new SecureRandom());
      return new UserKey(new String(key.getPublicKey()), new String(key.getSeed()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an NKey", e);
    }
  }

  /** The public key of a seed. */
  public static String publicKey(String seed) {
    return readSeed(seed, "the seed").publicKey();
  }

  /** Reads a seed file (bare, decorated or {@code .creds}) and returns the user key in it. */
  public static UserKey readSeedFile(Path file) {
    return readCredentials(file).key();
  }

  /** The public key of the user seed in {@code file}. */
  public static String publicKeyOfSeedFile(Path file) {
    return readSeedFile(file).publicKey();
  }

  /** Reads a seed file: the user key and, when the file is a {@code .creds} file, the JWT. */
  public static Credentials readCredentials(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new BackplaneException("NKey seed file " + file + " does not exist; create one with 'nk -gen user > FILE'"
          + " (docs/controller-runner.md, section Backplane)");
    } catch (IOException e) {
      throw new BackplaneException("cannot read NKey seed file " + file + ": " + e.getMessage(), e);
    }
    warnIfReadableByOthers(file);
    String jwt = block(text, "JWT");
    String seed = block(text, "SEED");
    if (seed == null) {
      for (String line : text.split("\\R")) {
        String s = line.strip();
        if (SEED_LINE.matcher(s).matches()) {
          seed = s;
          break;
        }
      }
    }
    if (seed == null) {
      throw new BackplaneException("NKey seed file " + file + " holds no seed (a line starting with SU, 58 characters);"
          + " create one with 'nk -gen user > FILE' (docs/controller-runner.md, section Backplane)");
    }
    return new Credentials(readSeed(seed, "the seed in " + file), jwt);
  }

  /** The text of the first decorated block whose header contains {@code kind} ("JWT", "SEED"). */
  private static String block(String text, String kind) {
    String[] lines = text.split("\\R");
    for (int i = 0; i < lines.length - 1; i++) {
      String header = lines[i].strip();
      if (DECORATION.matcher(header).matches() && header.startsWith("-") && header.contains("BEGIN")
          && header.contains(kind)) {
        for (int j = i + 1; j < lines.length; j++) {
          String s = lines[j].strip();
          if (!s.isEmpty()) return DECORATION.matcher(s).matches() ? null : s;
        }
      }
    }
    return null;
  }

  private static UserKey readSeed(String seed, String what) {
    if (!SEED_LINE.matcher(seed).matches()) {
      throw new BackplaneException(what + " is not an NKey seed (it starts with S and has 58 characters)");
    }
    if (seed.charAt(1) != 'U') {
      throw new BackplaneException(what + " is an NKey seed of another kind (" + seed.substring(0, 2)
          + "…); a user seed (SU…) is needed — generate one with 'nk -gen user'");
    }
    try {
      NKey key = NKey.fromSeed(seed.toCharArray());
      return new UserKey(new String(key.getPublicKey()), seed);
    } catch (IllegalArgumentException | IllegalStateException | IOException | GeneralSecurityException e) {
      throw new BackplaneException(what + " is not a valid NKey seed (" + e.getMessage() + ")", e);
    }
  }

  private static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.warn("NKey seed file {} is readable by other users; restrict it with 'chmod 600 {}'", file, file);
      }
    } catch (UnsupportedOperationException | IOException ignored) {
      // not a POSIX file system: nothing to check
    }
  }

  /** A seed in the decorated form the NATS tools write ({@code .nk}); Go Postee reads it too. */
  public static String decoratedSeed(UserKey key) {
    return "-----BEGIN USER NKEY SEED-----\n" + key.seed() + "\n------END USER NKEY SEED------\n";
  }

  /** A {@code .creds} file: a user JWT (issued by an operator/account) and its seed. */
  public static String creds(String jwt, UserKey key) {
    return "-----BEGIN NATS USER JWT-----\n" + jwt + "\n------END NATS USER JWT------\n\n"
        + "************************* IMPORTANT *************************\n"
        + "NKEY Seed printed below can be used to sign and prove identity.\n"
        + "NKEYs are sensitive and should be treated as secrets.\n\n"
        + decoratedSeed(key) + "\n"
        + "*************************************************************\n";
  }

  /**
   * Writes {@code key} as a decorated seed to a new file readable only by its owner.
   *
   * @throws BackplaneException when the file exists (a seed is never overwritten)
   */
  public static void writeSeedFile(Path file, UserKey key) {
    writeSecret(file, decoratedSeed(key));
  }

  static void writeSecret(Path file, String content) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) Files.createDirectories(dir);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (FileAlreadyExistsException e) {
      throw new BackplaneException(file + " already exists; a seed is never overwritten — remove it first or choose another file");
    } catch (IOException e) {
      throw new BackplaneException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
