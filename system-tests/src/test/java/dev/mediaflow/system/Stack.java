package dev.mediaflow.system;

import dev.mediaflow.testsupport.PostgresDatabase;
import dev.mediaflow.testsupport.RabbitVhost;
import dev.mediaflow.testsupport.RedisPrefix;
import dev.mediaflow.testsupport.TcpProxy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The four services as real processes on a private vhost, database, Redis prefix and storage
 * root. The gateway reaches RabbitMQ through a {@link TcpProxy}, so a test can take the broker
 * away from it; its heap is capped at 128 MiB, so an upload that buffered would fail. The services
 * log JSON ({@code MEDIAFLOW_LOG_FORMAT=json}), as in production, so a test can read their lines.
 */
final class Stack implements AutoCloseable {

    static final long MAX_UPLOAD_BYTES = 250L * 1024 * 1024;
    static final String RETRY_DELAYS = "300ms,600ms";
    /** depth grows with the row index: the bottom of a depth map is brighter than its top */
    static final String DEPTH_MODEL = "vision-worker/src/test/resources/models/row-depth.pt";
    static final String FILE_TTL = "1d";
    private static final List<String> GATEWAY_JVM = List.of("-Xmx128m", "-XX:+UseSerialGC");

    /**
     * How long each service may take to start: 3 minutes, or {@code -Dmediaflow.it.start-minutes=N} on a
     * machine shared with other builds, where a JVM can take longer than that to come up.
     */
    static final Duration START_TIMEOUT = Duration.ofMinutes(Long.getLong("mediaflow.it.start-minutes", 3));

    final String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    /** The gateway's internal credential for this run, as a Kubernetes Secret would pass it. */
    final String internalToken = UUID.randomUUID().toString() + UUID.randomUUID();
    private final RedisPrefix redis = RedisPrefix.create("mediaflow-it");
    final String redisPrefix = redis.value();
    final RabbitVhost vhost;
    final PostgresDatabase database;
    final Path storage;
    final TcpProxy brokerForGateway;
    final ServiceProcess queueService;
    ServiceProcess imageWorker;
    final ServiceProcess visionWorker;
    final ServiceProcess gateway;
    private final List<ServiceProcess> all = new ArrayList<>();
    private final Map<String, String> gatewayEnv;
    private final Path logs;

    Stack() throws Exception {
        vhost = RabbitVhost.create("mediaflow-it");
        database = PostgresDatabase.create("mediaflow_it");
        Path base = Path.of("target", "system-tests", runId).toAbsolutePath();
        storage = base.resolve("storage");
        Files.createDirectories(storage);
        Path logs = base.resolve("logs");
        brokerForGateway = new TcpProxy(5672);

        Map<String, String> env = new HashMap<>();
        env.put("RABBITMQ_URL", vhost.amqpUrl());
        env.put("REDIS_URL", "redis://127.0.0.1:6379");
        env.put("POSTGRES_URL", database.jdbcUrl());
        env.put("POSTGRES_USER", PostgresDatabase.USER);
        env.put("POSTGRES_PASSWORD", PostgresDatabase.PASSWORD);
        env.put("MEDIAFLOW_STORAGE_ROOT", storage.toString());
        env.put("MEDIAFLOW_INTERNAL_TOKEN", internalToken);
        env.put("MEDIAFLOW_REDIS_PREFIX", redisPrefix);
        env.put("MEDIAFLOW_RETRY_DELAYS", RETRY_DELAYS);
        env.put("MEDIAFLOW_MAX_UPLOAD_BYTES", Long.toString(MAX_UPLOAD_BYTES));
        env.put("MEDIAFLOW_HEARTBEAT_INTERVAL", "1s");
        // every progress step reaches the stream (EventStreamIT); the pacing of the default is PacedProgressTest's
        env.put("MEDIAFLOW_PROGRESS_INTERVAL", "0");
        env.put("MEDIAFLOW_SPOOL_INTERVAL", "1s");
        env.put("MEDIAFLOW_PUBLISH_TIMEOUT", "3s");
        env.put("MEDIAFLOW_LOG_FORMAT", "json");
        // an idle event stream shows its heartbeat within a test's patience
        env.put("MEDIAFLOW_SSE_HEARTBEAT", "1s");
        // one task at a time per worker, so the priority order is what a test sees (by default the image worker
        // runs one consumer per processor, and two would start the first two tasks together)
        env.put("MEDIAFLOW_CONSUMERS", "1");
        Path repo = Path.of(System.getProperty("mediaflow.repo", "..")).toAbsolutePath().normalize();
        env.put("JAVACPP_CACHE", repo.resolve("data/cache/javacpp").toString());
        env.put("ENGINE_CACHE_DIR", repo.resolve("data/cache/djl").toString());
        env.put("MEDIAFLOW_DEPTH_MODEL", repo.resolve(DEPTH_MODEL).toString());
        List<String> small = List.of("-Xmx384m", "-XX:+UseSerialGC");

        queueService = track(ServiceProcess.start("queue-service", small, env, logs));
        imageWorker = track(ServiceProcess.start("image-worker", small, env, logs));
        visionWorker = track(ServiceProcess.start("vision-worker", small, env, logs));
        Map<String, String> gatewayEnv = new HashMap<>(env);
        gatewayEnv.put("RABBITMQ_URL", vhost.amqpUrl(brokerForGateway.port()));
        gatewayEnv.put("MEDIAFLOW_QUEUE_SERVICE_URL", queueService.url());
        gatewayEnv.put("MEDIAFLOW_VISION_WORKER_URL", visionWorker.url());
        // files are kept a day; the scheduled cleanup waits an hour, so only a test's own cleanup call removes
        // anything, and only what the test made a day old (FileLifecycleIT)
        gatewayEnv.put("MEDIAFLOW_FILE_TTL", FILE_TTL);
        this.gatewayEnv = Map.copyOf(gatewayEnv);
        this.logs = logs;
        gateway = track(ServiceProcess.start("gateway-service", GATEWAY_JVM, gatewayEnv, logs));

        CompletableFuture<?>[] health = all.stream()
                .map(p -> CompletableFuture.runAsync(() -> {
                    try {
                        p.awaitHealthy(START_TIMEOUT);
                    } catch (Exception e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(health).join();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private ServiceProcess track(ServiceProcess p) {
        all.add(p);
        return p;
    }

    /** kill -9 of the image worker in the middle of its work, and a new one in its place. */
    void killAndRestartImageWorker() throws Exception {
        ServiceProcess fresh = imageWorker.killAndRestart();
        all.set(all.indexOf(imageWorker), fresh);
        imageWorker = fresh;
        fresh.awaitHealthy(Duration.ofMinutes(2));
    }

    /**
     * One more gateway on the same services and storage, with some settings of its own (e.g. a fast cleanup
     * schedule), healthy when this returns; the caller closes it.
     */
    ServiceProcess anotherGateway(Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(gatewayEnv);
        env.putAll(settings);
        ServiceProcess extra = ServiceProcess.start("gateway-service", GATEWAY_JVM, env, logs);
        try {
            extra.awaitHealthy(Duration.ofMinutes(3));
        } catch (Exception | Error e) {
            extra.close();
            throw e;
        }
        return extra;
    }

    ApiClient client(String apiKey) {
        return new ApiClient(gateway.url(), apiKey);
    }

    @Override
    public void close() throws Exception {
        for (ServiceProcess p : all) {
            p.close();
        }
        brokerForGateway.close();
        try {
            vhost.close();
        } finally {
            try {
                database.close();
            } finally {
                redis.close();
            }
        }
    }
}
