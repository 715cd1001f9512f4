/**
 * The NATS infrastructure of the Controller/Runner mode: the names of things live in
 * {@link dev.postee.cluster.protocol.Subjects}; this package runs and reaches the server.
 *
 * <ul>
 *   <li>{@link dev.postee.cluster.nats.NatsServerSupervisor} runs the controller's local
 *       {@code nats-server} (only {@code --controller-url} given) and keeps it running;
 *   <li>{@link dev.postee.cluster.nats.Backplane} is a process's connection (TLS, NKey, per-runner
 *       inbox), kept up forever;
 *   <li>{@link dev.postee.cluster.nats.JetStreamSetup} provisions streams, consumers and the results
 *       bucket, idempotently;
 *   <li>{@link dev.postee.cluster.nats.NatsAuth} reads and writes NKey seeds and says what each runner
 *       may publish and receive.
 * </ul>
 *
 * <p>Problems a user can fix (missing binary, unreadable seed, conflicting stream) are
 * {@link dev.postee.cluster.nats.BackplaneException}s whose message says what to do.
 */
package dev.postee.cluster.nats;
