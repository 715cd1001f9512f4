package dev.postee.cluster.nats;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Generates NKey user seeds for the backplane without the NATS tools:
 *
 * <pre>
 *   java -cp postee.jar dev.postee.cluster.nats.NKeyTool gen runner-1.nk   # writes the seed (0600), prints the public key
 *   java -cp postee.jar dev.postee.cluster.nats.NKeyTool pub runner-1.nk   # prints the public key of a seed file
 * </pre>
 */
public final class NKeyTool {
  private NKeyTool() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2 || !(args[0].equals("gen") || args[0].equals("pub"))) {
      err.println("usage: NKeyTool gen SEED_FILE   write a new user seed (owner-only) and print its public key");
      err.println("       NKeyTool pub SEED_FILE   print the public key of a seed file");
      return 2;
    }
    Path file = Path.of(args[1]);
    try {
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
