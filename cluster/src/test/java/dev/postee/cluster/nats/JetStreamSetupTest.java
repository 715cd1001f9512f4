package dev.postee.cluster.nats;

import static dev.postee.cluster.nats.NatsTesting.assumeNatsServer;
import static dev.postee.cluster.nats.NatsTesting.fast;
import static dev.postee.cluster.nats.NatsTesting.serverOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.cluster.protocol.Subjects;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JetStreamSetupTest {
  @TempDir static Path dir;
  static NatsServerSupervisor server;
  static Backplane controller;
  static JetStreamManagement jsm;

  @BeforeAll
  static void start() throws Exception {
    assumeNatsServer();
    server = NatsServerSupervisor.start(serverOptions(Files.createDirectories(dir.resolve("data"))));
    controller = Backplane.connect(fast(BackplaneOptions.forController("c", server.clientUrl())), Duration.ofSeconds(10));
    jsm = controller.jetStreamManagement();
  }

  @AfterAll
  static void stop() {
    if (controller != null) controller.close();
    if (server != null) server.close();
  }

  @BeforeEach
  void noStreams() throws Exception {
    for (String s : jsm.getStreamNames()) jsm.deleteStream(s);
  }

  private static JetStreamSetup setup(JetStreamSettings settings) {
    return JetStreamSetup.of(controller.connection(), settings);
  }

  @Test
  void provisioningCreatesTheStreamsConsumersAndBucketAsSpecified() throws Exception {
    JetStreamSettings settings = JetStreamSettings.forDelegationTtl(Duration.ofHours(6));
    setup(settings).provision();
    setup(settings).ensureRunnerConsumer("node-1.example.com");

    StreamConfiguration delegations = jsm.getStreamInfo(Subjects.DELEGATIONS_STREAM).getConfiguration();
    assertThat(delegations.getSubjects()).containsExactly("postee.v1.delegate.*");
    assertThat(delegations.getRetentionPolicy()).isEqualTo(RetentionPolicy.WorkQueue);
    assertThat(delegations.getStorageType()).isEqualTo(StorageType.File);
    assertThat(delegations.getMaxAge()).isEqualTo(Duration.ofHours(7)); // TTL + 1 h margin
    assertThat(delegations.getDuplicateWindow()).isEqualTo(Duration.ofHours(1));

    StreamConfiguration events = jsm.getStreamInfo(Subjects.EVENTS_STREAM).getConfiguration();
    assertThat(events.getSubjects()).containsExactly("postee.v1.events.*");
    assertThat(events.getRetentionPolicy()).isEqualTo(RetentionPolicy.WorkQueue);
    assertThat(events.getDuplicateWindow()).isEqualTo(Duration.ofHours(1));

    ConsumerConfiguration controllers = jsm.getConsumerInfo(Subjects.EVENTS_STREAM, "controllers").getConsumerConfiguration();
    assertThat(controllers.getAckPolicy()).isEqualTo(AckPolicy.Explicit);
    assertThat(controllers.getAckWait()).isEqualTo(Duration.ofSeconds(60));
    assertThat(controllers.getDeliverSubject()).as("pull").isNull();

    ConsumerConfiguration runner = jsm.getConsumerInfo(Subjects.DELEGATIONS_STREAM,
        Subjects.delegationConsumer("node-1.example.com")).getConsumerConfiguration();
    assertThat(runner.getFilterSubject()).isEqualTo(Subjects.delegate("node-1.example.com"));
    assertThat(runner.getAckPolicy()).isEqualTo(AckPolicy.Explicit);
    assertThat(runner.getAckWait()).isEqualTo(Duration.ofSeconds(60));
    assertThat(runner.getMaxDeliver()).as("unlimited redeliveries").isEqualTo(-1);
    assertThat(runner.getDeliverSubject()).as("pull").isNull();

    KeyValueStatus results = controller.connection().keyValueManagement().getStatus(Subjects.RESULTS_BUCKET);
    assertThat(results.getMaxHistoryPerKey()).isEqualTo(1);
    assertThat(results.getTtl()).isEqualTo(Duration.ofDays(7));
    assertThat(results.getStorageType()).isEqualTo(StorageType.File);
  }

  @Test
  void provisioningAgainChangesNothing() throws Exception {
    JetStreamSetup first = setup(JetStreamSettings.defaults());
    first.provision();
    first.ensureRunnerConsumer("r1");
    long created = jsm.getStreamInfo(Subjects.DELEGATIONS_STREAM).getCreateTime().toInstant().toEpochMilli();

    JetStreamSetup second = setup(JetStreamSettings.defaults()); // another controller, or a restart
    second.provision();
    second.ensureRunnerConsumer("r1");
    first.provision();

    assertThat(jsm.getStreamInfo(Subjects.DELEGATIONS_STREAM).getCreateTime().toInstant().toEpochMilli()).isEqualTo(created);
    assertThat(jsm.getConsumerNames(Subjects.DELEGATIONS_STREAM)).containsExactly("runner_r1");
    assertThat(jsm.getConsumerNames(Subjects.EVENTS_STREAM)).containsExactly("controllers");
  }

  @Test
  void controllersProvisioningAtTheSameTimeBothSucceed() {
    List<CompletableFuture<Void>> runs = List.of(1, 2, 3).stream().map(i -> CompletableFuture.runAsync(() -> {
      try {
        JetStreamSetup s = setup(JetStreamSettings.defaults());
        s.provision();
        s.ensureRunnerConsumer("r1");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    })).toList();
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
  }

  @Test
  void changedSettingsAreAppliedToWhatExists() throws Exception {
    setup(JetStreamSettings.defaults()).provision();
    setup(JetStreamSettings.defaults()).ensureRunnerConsumer("r1");

    JetStreamSettings changed = JetStreamSettings.forDelegationTtl(Duration.ofHours(2)).withAckWait(Duration.ofSeconds(30));
    setup(changed).provision();
    setup(changed).ensureRunnerConsumer("r1");

    assertThat(jsm.getStreamInfo(Subjects.DELEGATIONS_STREAM).getConfiguration().getMaxAge()).isEqualTo(Duration.ofHours(3));
    assertThat(jsm.getConsumerInfo(Subjects.DELEGATIONS_STREAM, "runner_r1").getConsumerConfiguration().getAckWait())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(jsm.getConsumerInfo(Subjects.EVENTS_STREAM, "controllers").getConsumerConfiguration().getAckWait())
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aStreamThatCannotServePosteeIsReportedWithWhatToDo() throws Exception {
    jsm.addStream(StreamConfiguration.builder().name(Subjects.DELEGATIONS_STREAM).subjects(Subjects.delegateAll())
        .retentionPolicy(RetentionPolicy.Limits).storageType(StorageType.Memory).build());

    assertThatThrownBy(() -> setup(JetStreamSettings.defaults()).provision())
        .isInstanceOf(BackplaneException.class)
        .hasMessageContaining("JetStream stream POSTEE_DELEGATIONS exists with retention limits → workqueue")
        .hasMessageContaining("storage memory → file")
        .hasMessageContaining("nats stream rm POSTEE_DELEGATIONS");
  }

  @Test
  void aRunnersConsumerCanBeRemoved() throws Exception {
    JetStreamSetup s = setup(JetStreamSettings.defaults());
    s.provision();
    s.ensureRunnerConsumer("gone");
    assertThat(s.removeRunnerConsumer("gone")).isTrue();
    assertThat(s.removeRunnerConsumer("gone")).isFalse();
    assertThat(jsm.getConsumerNames(Subjects.DELEGATIONS_STREAM)).isEmpty();
  }
}
