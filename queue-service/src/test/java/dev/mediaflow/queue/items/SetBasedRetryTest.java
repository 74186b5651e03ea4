package dev.mediaflow.queue.items;

import dev.mediaflow.messages.CorrelationId;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.InsertedJobs;
import dev.mediaflow.queue.support.TaskQueues;
import dev.mediaflow.queue.web.Caller;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.mediaflow.queue.support.ProjectRows.concat;
import static dev.mediaflow.queue.support.ProjectRows.jobRows;
import static dev.mediaflow.queue.support.ProjectRows.run;
import static dev.mediaflow.queue.support.ProjectRows.snapshots;
import static dev.mediaflow.queue.support.ProjectRows.statuses;
import static dev.mediaflow.queue.support.ProjectRows.tasks;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/queue/retry} with {@code retryAll} at scale, on the real servers: a thousand failed jobs retried
 * in one transaction with everything a single retry does (the next run, its tasks reset, one message per task on
 * the broker carrying the request's correlation id, the Redis snapshots), the jobs of other owners, in other states
 * and with an expired media item untouched and not counted, and the jobs another transaction holds meanwhile
 * retried after it, or not at all when it retried them itself.
 */
class SetBasedRetryTest extends ApiTest {

    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    ConnectionFactory connections;
    @Autowired
    BulkJobActions bulk;

    @Test
    void aThousandFailedJobsAreRetriedAtOnceWithEverythingASingleRetryDoes() {
        String alice = unique("alice");
        String bob = unique("bob");
        String project = unique("project");
        List<UUID> failed = InsertedJobs.insert(db, alice, project, "b1", JobStatus.FAILED, 1000);
        List<UUID> expired = InsertedJobs.insert(db, alice, project, "b1", JobStatus.FAILED, 20);
        InsertedJobs.expireMedia(db, expired);
        List<UUID> completed = InsertedJobs.insert(db, alice, project, "b1", JobStatus.COMPLETED, 30);
        List<UUID> cancelled = InsertedJobs.insert(db, alice, project, "b2", JobStatus.CANCELLED, 30);
        List<UUID> bobs = InsertedJobs.insert(db, bob, project, "b1", JobStatus.FAILED, 30);
        List<UUID> otherProject = InsertedJobs.insert(db, alice, unique("project"), "b1", JobStatus.FAILED, 30);
        List<UUID> untouched = concat(expired, completed, cancelled, bobs, otherProject);
        Map<UUID, Map<String, Object>> before = jobRows(db, concat(failed, untouched));
        List<Map<String, Object>> untouchedTasks = tasks(db, untouched);

        retry(alice, Map.of("projectId", project, "retryAll", true), "bulk-retry-corr-1")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.success").isEqualTo(true).jsonPath("$.retriedCount").isEqualTo(1000);

        // the counts (V85's statement triggers) follow the one update: alice's 1,000 failed are queued now
        assertThat(projectStats(alice, "user", project)).containsEntry("queued", 1000).containsEntry("failed", 20)
                .containsEntry("completed", 30).containsEntry("cancelled", 30);
        Map<UUID, Map<String, Object>> after = jobRows(db, concat(failed, untouched));
        Map<Object, Integer> retriedAt = new HashMap<>();
        for (UUID id : failed) {
            Map<String, Object> row = after.get(id);
            assertThat(row.get("status")).as("job %s", id).isEqualTo("queued");
            assertThat(row.get("run")).isEqualTo((Integer) before.get(id).get("run") + 1);
            assertThat(row.get("version")).isEqualTo((Long) before.get(id).get("version") + 1);
            assertThat(row.get("attempts")).isEqualTo(0);
            assertThat(row.get("last_error")).isNull();
            assertThat(row.get("started_at")).isNull();
            assertThat(row.get("completed_at")).isNull();
            assertThat(row.get("duration_ms")).isNull();
            retriedAt.merge(row.get("updated_at"), 1, Integer::sum);
        }
        // one transaction, one now(); only a job that another transaction held at that moment (the reconciler writes
        // the inserted jobs' missing snapshots one at a time) is retried alone, after it
        assertThat(retriedAt.values().stream().max(Integer::compare).orElseThrow()).isGreaterThanOrEqualTo(990);
        for (UUID id : untouched) {
            assertThat(after.get(id)).as("job %s", id).isEqualTo(before.get(id));
        }
        assertThat(tasks(db, untouched)).isEqualTo(untouchedTasks);
        List<Map<String, Object>> retriedTasks = tasks(db, failed);
        assertThat(retriedTasks).hasSize(2000).allSatisfy(task -> {
            assertThat(task.get("run")).isEqualTo(2);
            assertThat(task.get("status")).isEqualTo("queued");
            assertThat(task.get("attempt")).isEqualTo(0);
            assertThat(task.get("progress")).isEqualTo(0);
            assertThat(task.get("started_at")).isNull();
            assertThat(task.get("worker_id")).isNull();
        });

        for (WorkerKind kind : List.of(WorkerKind.IMAGE, WorkerKind.VISION)) {
            Map<UUID, List<Message>> sent = TaskQueues.drain(rabbit, kind, Set.copyOf(concat(failed, untouched)));
            assertThat(sent.keySet()).as("a %s task for every retried job, none for another", kind.json())
                    .isEqualTo(Set.copyOf(failed));
            assertThat(sent.values()).allSatisfy(messages -> {
                assertThat(messages).as("sent once").hasSize(1);
                TaskMessage task = Json.read(messages.get(0).getBody(), TaskMessage.class);
                assertThat(task.run()).isEqualTo(2);
                assertThat(task.attempt()).isEqualTo(1);
                assertThat(CorrelationId.of(messages.get(0))).contains("bulk-retry-corr-1");
            });
        }

        Map<UUID, List<String>> snapshots = snapshots(redis, keys, failed);
        for (UUID id : failed) {
            List<String> s = snapshots.get(id);
            assertThat(s.get(0)).as("snapshot status of %s", id).isEqualTo("queued");
            assertThat(s.get(1)).isEqualTo(after.get(id).get("version").toString());
            assertThat(s.get(2)).as("nothing pending").isNull();
            assertThat(s.get(3)).isEqualTo("0");
        }
        Map<?, ?> item = as(alice, "user").get().uri("/api/queue/items/{id}", failed.get(0)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(item.get("status")).isEqualTo("queued");

        retry(alice, Map.of("projectId", project, "retryAll", true), "bulk-retry-corr-2").expectStatus().isOk()
                .expectBody().jsonPath("$.retriedCount").isEqualTo(0);
    }

    @Test
    void jobsHeldByAnotherTransactionAreRetriedAfterItUnlessItRetriedThemItself() throws Exception {
        String owner = unique("owner");
        String project = unique("project");
        List<UUID> jobs = InsertedJobs.insert(db, owner, project, "b1", JobStatus.FAILED, 200);
        UUID changedMeanwhile = jobs.get(0);
        UUID heldOnly = jobs.get(1);
        List<UUID> others = jobs.subList(2, jobs.size());

        Connection held = Mono.from(connections.create()).block(WAIT);
        try {
            Mono.from(held.beginTransaction()).block(WAIT);
            run(held, "SELECT id FROM jobs WHERE id IN ('" + changedMeanwhile + "', '" + heldOnly + "') FOR UPDATE");
            CompletableFuture<Long> retry = bulk.retry(new BulkRetryRequest(project, null, true),
                            new Caller(owner, false))
                    .subscribeOn(Schedulers.boundedElastic()).toFuture();

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!statuses(db, others).equals(Set.of("queued")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(statuses(db, others)).as("committed while two jobs are held").containsOnly("queued");
            assertThat(statuses(db, List.of(changedMeanwhile, heldOnly))).containsOnly("failed");
            assertThat(retry).as("still waiting for the held jobs").isNotDone();

            run(held, "UPDATE jobs SET status = 'queued', run = run + 1 WHERE id = '" + changedMeanwhile + "'");
            Mono.from(held.commitTransaction()).block(WAIT);
            assertThat(retry.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(199L);
        } finally {
            Mono.from(held.close()).block(WAIT);
        }
        assertThat(runs(List.of(changedMeanwhile, heldOnly)))
                .as("the job retried meanwhile is not retried again; the one only held is, after it")
                .containsEntry(changedMeanwhile, 2).containsEntry(heldOnly, 2);
        assertThat(statuses(db, List.of(heldOnly))).containsOnly("queued");
        Map<UUID, List<Message>> sent = TaskQueues.drain(rabbit, WorkerKind.IMAGE, Set.copyOf(jobs));
        assertThat(sent.keySet()).as("one image task for each job this retry retried")
                .isEqualTo(Set.copyOf(concat(others, List.of(heldOnly))));
        TaskQueues.drain(rabbit, WorkerKind.VISION, Set.copyOf(jobs));
        assertThat(snapshots(redis, keys, List.of(heldOnly)).get(heldOnly).get(0)).isEqualTo("queued");
    }

    private WebTestClient.ResponseSpec retry(String owner, Map<String, Object> body, String correlationId) {
        return as(owner, "user").post().uri("/api/queue/retry")
                .header(CorrelationId.HEADER, correlationId)
                .bodyValue(body)
                .exchange();
    }

    private Map<UUID, Integer> runs(List<UUID> ids) {
        return db.sql("SELECT id, run FROM jobs WHERE id = ANY(CAST(:ids AS uuid[]))")
                .bind("ids", ids.toArray(UUID[]::new))
                .map(row -> Map.entry(row.get("id", UUID.class), row.get("run", Integer.class)))
                .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
    }
}
