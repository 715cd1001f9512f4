package dev.postee.bench;

import dev.postee.core.action.ActionEnvironment;
import dev.postee.core.http.Http11Client;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The most any router could do on this machine with Postee's HTTP stack: a server built as Postee's
 * (Javalin on Jetty, virtual threads) whose {@code POST /} does nothing but post the body to the
 * sink with the HTTP client the webhook action uses, then answer. No store, no routing, no
 * template. An event through Postee is these same two HTTP exchanges plus the processing, so this
 * relay's rate, as a share of {@code /ping}, bounds what the end-to-end figure can reach.
 */
final class RelayCeiling implements AutoCloseable {
  private static final String ANSWER = "{\"relayed\":true}";
  private static final List<Http11Client.Header> JSON = List.of(new Http11Client.Header("Content-Type", "application/json"));

  private final Javalin app;
  private final Http11Client client = ActionEnvironment.newHttpClient();

  RelayCeiling(int sinkPort) {
    URI target = URI.create("http://127.0.0.1:" + sinkPort + "/relay");
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.startupWatcherEnabled = false;
      config.useVirtualThreads = true;
      config.jetty.modifyHttpConfiguration(httpConfig -> httpConfig.setDelayDispatchUntilContent(false));
    });
    app.post("/", ctx -> {
      Http11Client.Request post = new Http11Client.Request("POST", target, JSON, Http11Client.Body.of(ctx.bodyAsBytes()));
      int status = client.send(post, Duration.ofSeconds(30), 4096).status();
      ctx.status(status / 100 == 2 ? 202 : 502).contentType("application/json").result(ANSWER);
    });
    app.start("127.0.0.1", 0);
  }

  int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
    client.close();
  }
}
