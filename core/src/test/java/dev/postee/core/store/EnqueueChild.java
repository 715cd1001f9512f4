package dev.postee.core.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of {@link StoreDurabilityTest}: enqueues events from several threads forever and
 * prints {@code ID <id>} for each, only after its future completed (the moment the HTTP layer would
 * answer 2xx). The test kills it with SIGKILL mid-stream.
 */
public final class EnqueueChild {
  private EnqueueChild() {}

  public static void main(String[] args) {
    Store store = Store.open(Path.of(args[0]), StoreOptions.defaults().withVerifyInterval(null));
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread.ofPlatform().start(() -> {
        for (long i = 0; ; i++) {
          byte[] body = ("{\"thread\":" + thread + ",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
          String id = store.enqueue(body, null).join().id();
          synchronized (System.out) {
            System.out.println("ID " + id);
            System.out.flush();
          }
        }
      });
    }
  }
}
