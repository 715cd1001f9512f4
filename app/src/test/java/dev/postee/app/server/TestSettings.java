package dev.postee.app.server;

import dev.postee.core.store.StoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Server settings for tests: loopback listeners on free ports, everything under one temporary directory. */
public final class TestSettings {
  public Path configFile;
  public Path dir;
  public ListenAddress https = new ListenAddress("127.0.0.1", 0);
  public ListenAddress http = new ListenAddress("127.0.0.1", 0);
  public Path certPem;
  public Path keyPem;
  public long maxBodyBytes = ServerSettings.DEFAULT_MAX_BODY_BYTES;
  public List<Secret> ingestTokens = new ArrayList<>();
  public Secret ingestHmacSecret;
  public String ingestHmacHeader = ServerSettings.DEFAULT_HMAC_HEADER;
  public Secret adminToken;
  public boolean publicMetrics;
  public int workers = 4;
  public int maxQueuedEvents = 10_000;
  public StoreOptions.Synchronous dbSync = StoreOptions.Synchronous.FULL;

  public TestSettings(Path dir, Path configFile) {
    this.dir = dir;
    this.configFile = configFile;
  }

  public ServerSettings build() {
    return new ServerSettings(http, https, configFile, dir.resolve("data/postee.db"), dir.resolve("templates"),
        dir.resolve("filters"), certPem, keyPem, false, false, maxBodyBytes, ingestTokens, ingestHmacSecret,
        ingestHmacHeader, adminToken, publicMetrics, workers, maxQueuedEvents, dbSync, null, null);
  }
}
