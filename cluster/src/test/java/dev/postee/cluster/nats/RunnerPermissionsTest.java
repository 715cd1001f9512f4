package dev.postee.cluster.nats;

import static dev.postee.cluster.nats.NatsTesting.assumeNatsServer;
import static dev.postee.cluster.nats.NatsTesting.fast;
import static dev.postee.cluster.nats.NatsTesting.serverOptions;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.cluster.protocol.Subjects;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.PublishAck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-runner NKeys against a real nats-server: a runner can do its own work with
 * {@link NatsAuth#runnerPermissions} and nothing of another runner's.
 */
class RunnerPermissionsTest {
  static final String A = "runner-a";
  static final String B = "node-b.example.com"; // not a subject token as is: exercises Subjects.token

  @TempDir static Path dir;
  static NatsServerSupervisor server;
  static Backplane controller;
  static Path seedA;
  static Path seedB;
  static Dispatcher configService;

  @BeforeAll
  static void start() throws Exception {
    assumeNatsServer();
    NatsAuth.UserKey c = NatsAuth.generateUserKey();
    NatsAuth.UserKey a = NatsAuth.generateUserKey();
    NatsAuth.UserKey b = NatsAuth.generateUserKey();
    Path seedC = dir.resolve("controller.nk");
    seedA = dir.resolve("a.nk");
    seedB = dir.resolve("b.nk");
    NatsAuth.writeSeedFile(seedC, c);
    NatsAuth.writeSeedFile(seedA, a);
    NatsAuth.writeSeedFile(seedB, b);

    server = NatsServerSupervisor.start(serverOptions(Files.createDirectories(dir.resolve("data")))
        .withAuthorization(NatsAuth.Authorization.perRunner(c.publicKey(), Map.of(A, a.publicKey(), B, b.publicKey()))));
    controller = Backplane.connect(fast(BackplaneOptions.forController("c1", server.clientUrl()).withSeedFile(seedC)),
        Duration.ofSeconds(10));
    JetStreamSetup setup = JetStreamSetup.of(controller.connection(), JetStreamSettings.defaults());
    setup.provision();
    setup.ensureRunnerConsumer(A);
    setup.ensureRunnerConsumer(B);

    Connection cc = controller.connection();
    configService = cc.createDispatcher(m -> cc.publish(m.getReplyTo(), ("config for " + m.getSubject()).getBytes(UTF_8)));
    configService.subscribe(Subjects.configRequestAll());
    cc.flush(Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() {
    if (controller != null) controller.close();
    if (server != null) server.close();
  }

  static Backplane runner(String name, Path seed, NatsTesting.Errors errors) throws InterruptedException {
    return Backplane.connect(fast(BackplaneOptions.forRunner(name, server.clientUrl()).withSeedFile(seed)
        .withErrorListener(errors)), Duration.ofSeconds(10));
  }

  @Test
  void aRunnerDoesAllItsOwnWorkWithItsPermissions() throws Exception {
    NatsTesting.Errors errors = new NatsTesting.Errors();
    Connection cc = controller.connection();
    try (Backplane runner = runner(A, seedA, errors)) {
      Connection rc = runner.connection();

      // heartbeat
      Subscription heartbeats = cc.subscribe(Subjects.heartbeatAll());
      cc.flush(Duration.ofSeconds(5));
      rc.publish(Subjects.heartbeat(A), "alive".getBytes(UTF_8));
      Message beat = heartbeats.nextMessage(Duration.ofSeconds(5));
      assertThat(beat).isNotNull();
      assertThat(beat.getSubject()).isEqualTo(Subjects.heartbeat(A));

      // configuration: request/reply on its own inbox, and pushes
      Message config = rc.request(Subjects.configRequest(A), A.getBytes(UTF_8), Duration.ofSeconds(5));
      assertThat(new String(config.getData(), UTF_8)).isEqualTo("config for " + Subjects.configRequest(A));
      assertThat(config.getSubject()).startsWith(Subjects.inboxPrefix(A));
      Subscription pushes = rc.subscribe(Subjects.configPush(A));
      rc.flush(Duration.ofSeconds(5));
      cc.publish(Subjects.configPush(A), "new config".getBytes(UTF_8));
      assertThat(pushes.nextMessage(Duration.ofSeconds(5))).isNotNull();

      // delegations: fetch, in-progress, ack (acknowledged by the server)
      controller.jetStream().publish(Subjects.delegate(A), "run exec".getBytes(UTF_8));
      JetStreamSubscription work = runner.subscribeDelegations(A);
      List<Message> got = work.fetch(1, Duration.ofSeconds(5));
      assertThat(got).hasSize(1);
      Message delegation = got.get(0);
      assertThat(new String(delegation.getData(), UTF_8)).isEqualTo("run exec");
      delegation.inProgress();
      delegation.ackSync(Duration.ofSeconds(5));
      assertThat(work.getConsumerInfo().getNumAckPending()).isZero();
      assertThat(controller.jetStreamManagement().getStreamInfo(Subjects.DELEGATIONS_STREAM).getStreamState().getMsgCount())
          .as("work queue: the acknowledged delegation is gone").isZero();

      // events it received (runner-local flow), with the stream's PubAck
      PublishAck eventAck = runner.jetStream().publish(Subjects.events(A), "{\"event\":1}".getBytes(UTF_8));
      assertThat(eventAck.getStream()).isEqualTo(Subjects.EVENTS_STREAM);

      // results
      PublishAck resultAck = runner.putResult(A, "exec-1", "ok".getBytes(UTF_8));
      assertThat(resultAck.getStream()).isEqualTo("KV_" + Subjects.RESULTS_BUCKET);
      assertThat(new String(controller.results().get(Subjects.resultKey(A, "exec-1")).getValue(), UTF_8)).isEqualTo("ok");

      rc.flush(Duration.ofSeconds(5));
      assertThat(errors.messages).as("no permission violations").isEmpty();
    }
  }

  @Test
  void aRunnerCannotPublishOrReadAnotherRunnersSubjects() throws Exception {
    NatsTesting.Errors errors = new NatsTesting.Errors();
    String tokenB = Subjects.token(B);
    try (Backplane runner = runner(A, seedA, errors)) {
      Connection rc = runner.connection();

      rc.publish(Subjects.heartbeat(B), "I am B".getBytes(UTF_8));
      errors.expect("Permissions Violation for Publish to", Subjects.heartbeat(B));

      assertThat(rc.request(Subjects.configRequest(B), B.getBytes(UTF_8), Duration.ofSeconds(1)))
          .as("no configuration of B for A").isNull();
      errors.expect("Permissions Violation for Publish to", Subjects.configRequest(B));

      rc.subscribe(Subjects.configPush(B));
      errors.expect("Permissions Violation for Subscription to", Subjects.configPush(B));

      rc.subscribe(Subjects.inboxPrefix(B) + ">");
      errors.expect("Permissions Violation for Subscription to", "_INBOX_" + tokenB + ".>");

      rc.publish(Subjects.events(B), "{}".getBytes(UTF_8));
      errors.expect("Permissions Violation for Publish to", Subjects.events(B));

      rc.publish(Subjects.resultSubject(B, "exec-9"), "forged".getBytes(UTF_8));
      errors.expect("Permissions Violation for Publish to", Subjects.resultSubject(B, "exec-9"));

      rc.publish(Subjects.delegate(B), "forged work".getBytes(UTF_8));
      errors.expect("Permissions Violation for Publish to", Subjects.delegate(B));
      rc.publish(Subjects.delegate(A), "self-made work".getBytes(UTF_8));
      errors.expect("Permissions Violation for Publish to", Subjects.delegate(A));
    }
  }

  @Test
  void aRunnerCannotTakeOrAcknowledgeAnotherRunnersDelegations() throws Exception {
    NatsTesting.Errors errors = new NatsTesting.Errors();
    String consumerB = Subjects.DELEGATIONS_STREAM + "." + Subjects.delegationConsumer(B);
    controller.jetStream().publish(Subjects.delegate(B), "B's work".getBytes(UTF_8));
    try (Backplane runner = runner(A, seedA, errors)) {
      Connection rc = runner.connection();

      assertThatThrownBy(() -> runner.subscribeDelegations(B)).as("binding to B's consumer");
      errors.expect("Permissions Violation for Publish to", "$JS.API.CONSUMER.INFO." + consumerB);

      JetStreamSubscription sneaky = runner.jetStream().subscribe(Subjects.delegate(B),
          PullSubscribeOptions.fastBind(Subjects.DELEGATIONS_STREAM, Subjects.delegationConsumer(B)));
      assertThat(sneaky.fetch(1, Duration.ofSeconds(1))).isEmpty();
      errors.expect("Permissions Violation for Publish to", "$JS.API.CONSUMER.MSG.NEXT." + consumerB);

      rc.publish("$JS.ACK." + consumerB + ".1.1.1.0.0", "+ACK".getBytes(UTF_8));
      errors.expect("Permissions Violation for Publish to", "$JS.ACK." + consumerB);
    }
    try (Backplane b = runner(B, seedB, new NatsTesting.Errors())) {
      List<Message> got = b.subscribeDelegations(B).fetch(1, Duration.ofSeconds(5));
      assertThat(got).as("B's delegation is still B's").hasSize(1);
      assertThat(new String(got.get(0).getData(), UTF_8)).isEqualTo("B's work");
      got.get(0).ackSync(Duration.ofSeconds(5));
    }
  }

  @Test
  void aRunnerMustUseItsOwnInboxPrefixToGetReplies() throws Exception {
    NatsTesting.Errors errors = new NatsTesting.Errors();
    try (Backplane runner = Backplane.connect(fast(BackplaneOptions.of(server.clientUrl()).withSeedFile(seedA)
        .withErrorListener(errors)), Duration.ofSeconds(10))) {
      CompletableFuture<Message> reply = runner.connection().request(Subjects.configRequest(A), A.getBytes(UTF_8));
      errors.expect("Permissions Violation for Subscription to", "_INBOX.");
      assertThatThrownBy(() -> reply.get(1, TimeUnit.SECONDS)).as("the reply never reaches the default inbox");
    }
  }

  @Test
  void theControllerMayDoEverything() throws Exception {
    NatsTesting.Errors errors = new NatsTesting.Errors();
    Path seedC = dir.resolve("controller.nk");
    try (Backplane c2 = Backplane.connect(fast(BackplaneOptions.forController("c2", server.clientUrl())
        .withSeedFile(seedC).withErrorListener(errors)), Duration.ofSeconds(10))) {
      Connection cc = c2.connection();
      cc.subscribe(Subjects.configPush(B));
      cc.subscribe(Subjects.inboxPrefix(B) + ">");
      cc.publish(Subjects.delegate(B), "work".getBytes(UTF_8));
      c2.jetStreamManagement().getStreamNames();
      cc.flush(Duration.ofSeconds(5));
      assertThat(errors.messages).isEmpty();
    }
    try (Backplane b = runner(B, seedB, new NatsTesting.Errors())) {
      b.subscribeDelegations(B).fetch(1, Duration.ofSeconds(5)).forEach(Message::ack);
    }
  }
}
