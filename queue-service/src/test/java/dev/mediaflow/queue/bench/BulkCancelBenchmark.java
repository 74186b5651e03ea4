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
 * scripts/bench-bulk-cancel: how long {@code POST /api/queue/cancel} of one project takes, called on a real
 * queue-service (its HTTP API, signed as the gateway signs) against the local servers, its own database, vhost and
 * key prefix. Each run cancels a fresh project of N jobs of one owner (three in five queued, two in five processing
 * with both tasks started), inserted straight into PostgreSQL beforehand; one run of 500 jobs first warms up. The
 * status reconciler is off: it would be writing the Redis snapshots of the inserted jobs (none yet) meanwhile.
 * Arguments: runs per size, then the sizes (default 3 3000 20000).
 */
public final class BulkCancelBenchmark {

    private static final String OWNER = "bench";

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes.addAll(List.of(3000, 20000));
        }
        List<String> rows = new ArrayList<>();
        try (PostgresDatabase db = PostgresDatabase.create("mediaflow_bench_cancel");
             RabbitVhost vhost = RabbitVhost.create("mediaflow-bench-cancel");
             RedisPrefix prefix = RedisPrefix.create("mediaflow-bench-cancel");
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
            cancel(http, sql, 500);
            for (int size : sizes) {
                for (int run = 1; run <= runs; run++) {
                    String row = String.format("| %7d | %3d | %9d |", size, run, cancel(http, sql, size));
                    System.out.println(row);
                    rows.add(row);
                }
            }
        }
        System.out.println();
        System.out.println("POST /api/queue/cancel of a whole project, queue-service's HTTP API");
        System.out.println("|    jobs | run |     ms |");
        System.out.println("|---------|-----|--------|");
        rows.forEach(System.out::println);
    }

    /** @return the milliseconds the cancel took */
    private static long cancel(HttpClient http, DatabaseClient sql, int size) {
        String project = "bench-" + UUID.randomUUID();
        int processing = size * 2 / 5;
        InsertedJobs.insert(sql, OWNER, project, "b1", JobStatus.QUEUED, size - processing);
        InsertedJobs.insert(sql, OWNER, project, "b1", JobStatus.PROCESSING, processing);
        String body = "{\"projectId\":\"" + project + "\"}";
        String path = "/api/queue/cancel";
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
        if (answer == null || !answer.startsWith("200 ") || !answer.contains("\"canceledCount\":" + size)) {
            throw new IllegalStateException("cancel of " + size + " jobs answered " + answer);
        }
        return ms;
    }
}
