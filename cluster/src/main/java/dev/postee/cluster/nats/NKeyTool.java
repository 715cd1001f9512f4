package dev.postee.cluster.nats;

import dev.postee.cluster.protocol.Subjects;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Generates NKey user seeds for the backplane without the NATS tools:
 *
 * <pre>
 *   java -cp postee.jar dev.postee.cluster.nats.NKeyTool gen runner-1.nk   # writes the seed (0600), prints the public key
 *   java -cp postee.jar dev.postee.cluster.nats.NKeyTool pub runner-1.nk   # prints the public key of a seed file
 *   java -cp postee.jar dev.postee.cluster.nats.NKeyTool permissions runner-1 [PUBLIC_KEY]
 *       # prints the nats-server user entry of a runner, for an operator's own NATS servers (--nats-url)
 * </pre>
 */
public final class NKeyTool {
  private NKeyTool() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    boolean permissions = args.length >= 2 && args.length <= 3 && args[0].equals("permissions");
    if (!permissions && (args.length != 2 || !(args[0].equals("gen") || args[0].equals("pub")))) {
      err.println("usage: NKeyTool gen SEED_FILE   write a new user seed (owner-only) and print its public key");
      err.println("       NKeyTool pub SEED_FILE   print the public key of a seed file");
      err.println("       NKeyTool permissions RUNNER_NAME [PUBLIC_KEY]   print the runner's nats-server user entry");
      return 2;
    }
    try {
      if (permissions) {
        String runner = args[1];
        String key = args.length == 3 ? new NatsAuth.User(args[2], null, "runner " + runner).nkey() : "<runner's public key>";
        out.print(NatsServerConfig.user(key, NatsAuth.runnerPermissions(runner), "Postee runner " + runner
            + " (it connects with the inbox prefix " + Subjects.inboxPrefix(runner) + ")", ""));
        return 0;
      }
      Path file = Path.of(args[1]);
      if (args[0].equals("gen")) {
        NatsAuth.UserKey key = NatsAuth.generateUserKey();
        NatsAuth.writeSeedFile(file, key);
        out.println(key.publicKey());
      } else {
        out.println(NatsAuth.publicKeyOfSeedFile(file));
      }
      return 0;
    } catch (BackplaneException e) {
      err.println("NKeyTool: " + e.getMessage());
      return 1;
    }
  }
}
