package dev.mediaflow.queue.bench;

import dev.mediaflow.http.CallerRole;
import dev.mediaflow.queue.QueueServiceApplication;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.support.InsertedJobs;
import dev.mediaflow.queue.support.SignedCalls;
import dev.mediaflow.testsupport.PostgresDatabase;
import dev.mediaflow.testsupport.RabbitVhost;
import dev.mediaflow.testsupport.RedisPrefix;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * scripts/bench-bulk-actions: how long a bulk action on one project takes, called on a real queue-service (its HTTP
 * API, signed as the gateway signs) against the local servers, its own database, vhost and key prefix.
 * {@code cancel}: {@code POST /api/queue/cancel} of a fresh project of N jobs of one owner (three in five queued, two
 * in five processing with both tasks started); {@code retry}: {@code POST /api/queue/retry} with {@code retryAll} of
 * a fresh project of N failed jobs (their two tasks started), each retry sending N x 2 task messages; {@code
 * enqueue}: {@code POST /api/queue/enqueue} of a batch of N media items (four in five with a completed job, one in
 * five with a queued one, which is cancelled first), a new job and two task messages each. The jobs are inserted
 * straight into PostgreSQL beforehand; one run of 500 jobs first warms each action up. The status reconciler is off:
 * it would be writing the Redis snapshots of the inserted jobs (none yet) meanwhile. Arguments: runs per size, the
 * actions (comma-separated: cancel, retry, enqueue; default cancel,retry,enqueue), then the sizes (default 3000 20000).
 */
public final class BulkActionBenchmark {

    private static final String OWNER = "bench";

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<String> actions = List.of((args.length > 1 ? args[1] : "cancel,retry,enqueue").split(","));
        List<Integer> sizes = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes.addAll(List.of(3000, 20000));
        }
        List<String> rows = new ArrayList<>();
        try (PostgresDatabase db = PostgresDatabase.create("mediaflow_bench_bulk");
             RabbitVhost vhost = RabbitVhost.create("mediaflow-bench-bulk");
             RedisPrefix prefix = RedisPrefix.create("mediaflow-bench-bulk");
             ConfigurableApplicationContext app = new SpringApplication(QueueServiceApplication.class).run(
                     "--server.port=0",
                     "--spring.flyway.url=" + db.jdbcUrl(),
                     "--spring.rabbitmq.addresses=" + vhost.amqpUrl(),
                     "--mediaflow.redis-prefix=" + prefix.value(),
                     "--mediaflow.internal-token=" + SignedCalls.TOKEN,
                     // the jobs inserted have no Redis snapshot yet: the reconciler would be writing them meanwhile
                     "--mediaflow.status-reconcile-interval=0s",
                     "--logging.level.root=WARN",
                     "--logging.level.dev.mediaflow.queue.items=INFO")) {
            int port = Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
            DatabaseClient sql = app.getBean(DatabaseClient.class);
            HttpClient http = HttpClient.create().baseUrl("http://127.0.0.1:" + port)
                    .responseTimeout(Duration.ofMinutes(10));
            for (String action : actions) {
                act(http, sql, action, 500);
                for (int size : sizes) {
                    for (int run = 1; run <= runs; run++) {
                        String row = String.format("| %-6s | %7d | %3d | %9d |", action, size, run,
                                act(http, sql, action, size));
                        System.out.println(row);
                        rows.add(row);
                    }
                }
            }
        }
        System.out.println();
        System.out.println("POST /api/queue/cancel, /api/queue/retry (retryAll) and /api/queue/enqueue (a batch) of a"
                + " whole project, queue-service's HTTP API");
        System.out.println("| action |    jobs | run |        ms |");
        System.out.println("|--------|---------|-----|-----------|");
        rows.forEach(System.out::println);
    }

    private static long act(HttpClient http, DatabaseClient sql, String action, int size) {
        return switch (action) {
            case "cancel" -> cancel(http, sql, size);
            case "retry" -> retry(http, sql, size);
            case "enqueue" -> enqueue(http, sql, size);
            default -> throw new IllegalArgumentException("unknown action " + action + " (cancel, retry, enqueue)");
        };
    }

    /** @return the milliseconds the cancel took */
    private static long cancel(HttpClient http, DatabaseClient sql, int size) {
        String project = "bench-" + UUID.randomUUID();
        int processing = size * 2 / 5;
        InsertedJobs.insert(sql, OWNER, project, "b1", JobStatus.QUEUED, size - processing);
        InsertedJobs.insert(sql, OWNER, project, "b1", JobStatus.PROCESSING, processing);
        return timed(http, "/api/queue/cancel", 200, "{\"projectId\":\"" + project + "\"}", "\"canceledCount\":" + size);
    }

    /** @return the milliseconds the retry took */
    private static long retry(HttpClient http, DatabaseClient sql, int size) {
        String project = "bench-" + UUID.randomUUID();
        InsertedJobs.insert(sql, OWNER, project, "b1", JobStatus.FAILED, size);
        return timed(http, "/api/queue/retry", 200, "{\"projectId\":\"" + project + "\",\"retryAll\":true}",
                "\"retriedCount\":" + size);
    }

    /** @return the milliseconds the enqueue of a batch took */
    private static long enqueue(HttpClient http, DatabaseClient sql, int size) {
        String project = "bench-" + UUID.randomUUID();
        int waiting = size / 5;
        InsertedJobs.insert(sql, OWNER, project, "b1", JobStatus.COMPLETED, size - waiting);
        InsertedJobs.insert(sql, OWNER, project, "b1", JobStatus.QUEUED, waiting);
        return timed(http, "/api/queue/enqueue", 202, "{\"projectId\":\"" + project + "\",\"batchId\":\"b1\"}",
                "\"canceledCount\":" + waiting);
    }

    private static long timed(HttpClient http, String path, int status, String body, String expected) {
        Map<String, String> signed = SignedCalls.SIGNATURE.sign(OWNER, CallerRole.USER, "POST", path);
        long start = System.nanoTime();
        String answer = http.headers(h -> {
                    signed.forEach(h::set);
                    h.set("Content-Type", "application/json");
                })
                .post().uri(path).send(Mono.just(io.netty.buffer.Unpooled.copiedBuffer(body,
                        java.nio.charset.StandardCharsets.UTF_8)))
                .responseSingle((response, content) -> content.asString()
                        .map(text -> response.status().code() + " " + text))
                .block(Duration.ofMinutes(10));
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        if (answer == null || !answer.startsWith(status + " ") || !answer.contains(expected)) {
            throw new IllegalStateException(path + " answered " + (answer == null ? null
                    : answer.substring(0, Math.min(answer.length(), 300))) + ", expected " + status + " and " + expected);
        }
        return ms;
    }
}
