package dev.mediaflow.queue.bench;

import dev.mediaflow.http.CallerRole;
import dev.mediaflow.queue.QueueServiceApplication;
import dev.mediaflow.queue.events.JobEventApplier;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.SignedCalls;
import dev.mediaflow.queue.support.Stories;
import dev.mediaflow.testsupport.PostgresDatabase;
import dev.mediaflow.testsupport.RabbitVhost;
import dev.mediaflow.testsupport.RedisPrefix;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * scripts/bench-item-reads: p50/p99 of {@code GET /api/queue/items/{id}} under N concurrent pollers,
 * served from PostgreSQL ({@code mediaflow.item-reads-from-redis=false}, the path before the Redis
 * snapshot) and from the Redis snapshot, on a real queue-service against the local servers.
 * Arguments: pollers, jobs, warm-up seconds, measured seconds.
 */
public final class ItemReadBenchmark {

    private static final String OWNER = "bench";

    public static void main(String[] args) {
        int pollers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Duration warmUp = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 5);
        Duration measured = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 15);
        try (PostgresDatabase db = PostgresDatabase.create("mediaflow_bench");
             RabbitVhost vhost = RabbitVhost.create("mediaflow-bench");
             RedisPrefix prefix = RedisPrefix.create("mediaflow-bench")) {
            List<UUID> ids = new ArrayList<>();
            List<String> rows = new ArrayList<>();
            for (boolean fromRedis : new boolean[]{false, true}) {
                try (ConfigurableApplicationContext app = start(db, vhost, prefix, fromRedis)) {
                    if (ids.isEmpty()) {
                        ids.addAll(seed(app.getBean(JobEventApplier.class), jobs));
                    }
                    int port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
                    poll(port, ids, pollers, warmUp);
                    Result r = poll(port, ids, pollers, measured);
                    rows.add(String.format("| %-26s | %8d | %7d | %8.0f | %7.2f | %7.2f | %7.2f |",
                            fromRedis ? "Redis snapshot (after)" : "PostgreSQL (before)", pollers, r.count,
                            r.count / (double) measured.toSeconds(), r.percentile(50), r.percentile(99), r.max()));
                    if (r.errors.get() > 0) {
                        rows.add("|   errors: " + r.errors);
                    }
                }
            }
            System.out.println();
            System.out.printf("GET /api/queue/items/{id}: %d jobs (completed, 4 results each), %d s measured after %d s warm-up%n",
                    jobs, measured.toSeconds(), warmUp.toSeconds());
            System.out.println("| path                       | pollers | requests |   req/s |  p50 ms |  p99 ms |  max ms |");
            System.out.println("|----------------------------|---------|----------|---------|---------|---------|---------|");
            rows.forEach(System.out::println);
        }
    }

    private static ConfigurableApplicationContext start(PostgresDatabase db, RabbitVhost vhost, RedisPrefix prefix,
                                                        boolean fromRedis) {
        return new SpringApplication(QueueServiceApplication.class).run(
                "--server.port=0",
                "--spring.flyway.url=" + db.jdbcUrl(),
                "--spring.rabbitmq.addresses=" + vhost.amqpUrl(),
                "--mediaflow.redis-prefix=" + prefix.value(),
                "--mediaflow.item-reads-from-redis=" + fromRedis,
                "--mediaflow.internal-token=" + SignedCalls.TOKEN,
                "--logging.level.root=WARN");
    }

    private static List<UUID> seed(JobEventApplier applier, int jobs) {
        return Flux.range(0, jobs)
                .map(i -> Events.allOperations(OWNER))
                .concatMap(e -> Flux.fromIterable(Stories.completed(e)).concatMap(applier::apply).then(Mono.just(e.jobId)))
                .collectList()
                .block(Duration.ofMinutes(5));
    }

    private static Result poll(int port, List<UUID> ids, int pollers, Duration duration) {
        ConnectionProvider connections = ConnectionProvider.builder("bench").maxConnections(pollers)
                .pendingAcquireMaxCount(-1).build();
        // the pollers get event loops of their own, so they do not queue behind the server's
        LoopResources loops = LoopResources.create("bench-pollers", 2, true);
        HttpClient http = HttpClient.create(connections).runOn(loops).baseUrl("http://127.0.0.1:" + port);
        long end = System.nanoTime() + duration.toNanos();
        Result result = new Result();
        Flux.range(0, pollers)
                .flatMap(p -> Mono.defer(() -> {
                            UUID id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                            long start = System.nanoTime();
                            String path = "/api/queue/items/" + id;
                            // signed per request, as the gateway does (the signature holds the time)
                            Map<String, String> signed = SignedCalls.SIGNATURE.sign(OWNER, CallerRole.USER, "GET", path);
                            return http.headers(h -> signed.forEach(h::set)).get().uri(path)
                                    .responseSingle((response, body) -> body.asString()
                                            .map(text -> response.status().code() == 200 && text.contains(id.toString())))
                                    .doOnNext(ok -> result.add(System.nanoTime() - start, ok));
                        })
                        .onErrorResume(e -> {
                            result.errors.incrementAndGet();
                            return Mono.empty();
                        })
                        .repeat(() -> System.nanoTime() < end), pollers)
                .blockLast(duration.plusMinutes(1));
        connections.dispose();
        loops.dispose();
        return result;
    }

    private static final class Result {
        private long[] nanos = new long[1 << 16];
        private int count;
        private final AtomicLong errors = new AtomicLong();

        synchronized void add(long latency, boolean ok) {
            if (!ok) {
                errors.incrementAndGet();
                return;
            }
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = latency;
        }

        double percentile(int p) {
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            return count == 0 ? Double.NaN : sorted[Math.min(count - 1, (int) Math.ceil(p / 100.0 * count) - 1)] / 1e6;
        }

        double max() {
            return Arrays.stream(nanos, 0, count).max().orElse(0) / 1e6;
        }
    }
}
