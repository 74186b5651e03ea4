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
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.mediaflow.queue.support.ProjectRows.concat;
import static dev.mediaflow.queue.support.ProjectRows.run;
import static dev.mediaflow.queue.support.ProjectRows.snapshots;
import static dev.mediaflow.queue.support.ProjectRows.statuses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/queue/enqueue} at scale, on the real servers: a batch of a thousand media items queued again with
 * its waiting jobs cancelled, each step in one transaction, with everything a single enqueue does (one new job per
 * item with the request's correlation id, its tasks on the broker, its snapshot), items that expired, other owners'
 * and other batches' untouched; and a media item another transaction holds queued after it, even though the caller
 * stopped waiting meanwhile.
 */
class SetBasedEnqueueTest extends ApiTest {

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
    BatchEnqueuer batches;

    @Test
    @SuppressWarnings("unchecked")
    void aBatchOfAThousandItemsIsQueuedAgainAtOnceWithItsWaitingJobsCancelled() {
        String alice = unique("alice");
        String project = unique("project");
        List<UUID> completed = InsertedJobs.insert(db, alice, project, "b1", JobStatus.COMPLETED, 800);
        List<UUID> waiting = InsertedJobs.insert(db, alice, project, "b1", JobStatus.QUEUED, 200);
        List<UUID> expired = InsertedJobs.insert(db, alice, project, "b1", JobStatus.COMPLETED, 20);
        InsertedJobs.expireMedia(db, expired);
        List<UUID> bobs = InsertedJobs.insert(db, unique("bob"), project, "b1", JobStatus.COMPLETED, 30);
        List<UUID> otherBatch = InsertedJobs.insert(db, alice, project, "b2", JobStatus.QUEUED, 30);
        Set<UUID> queuedItems = Set.copyOf(mediaItems(concat(completed, waiting)).values());

        Map<String, Object> body = as(alice, "user").post().uri("/api/queue/enqueue")
                .header(CorrelationId.HEADER, "batch-enqueue-corr-1")
                .bodyValue(Map.of("projectId", project, "batchId", "b1"))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).containsEntry("canceledCount", 200);
        List<UUID> jobIds = ((List<String>) body.get("jobIds")).stream().map(UUID::fromString).toList();
        assertThat(jobIds).hasSize(1000).doesNotHaveDuplicates();

        // the counts (V85's statement triggers) follow the two statements: 1,000 new jobs, the 200 waiting cancelled
        assertThat(projectStats(alice, "user", project)).containsEntry("queued", 1000 + 30)
                .containsEntry("cancelled", 200).containsEntry("completed", 820).containsEntry("pending", 0);
        assertThat(statuses(db, waiting)).containsOnly("cancelled");
        assertThat(statuses(db, concat(completed, expired, bobs))).containsOnly("completed");
        assertThat(statuses(db, otherBatch)).containsOnly("queued");
        List<Map<String, Object>> newJobs = db.sql("""
                        SELECT id, media_item_id, status, run, version, batch_id, project_id, correlation_id, updated_at
                        FROM jobs WHERE id = ANY(CAST(:ids AS uuid[]))""")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .fetch().all().collectList().block(WAIT);
        assertThat(newJobs).hasSize(1000).allSatisfy(job -> {
            assertThat(job.get("status")).isEqualTo("queued");
            assertThat(job.get("run")).isEqualTo(1);
            assertThat(job.get("version")).isEqualTo(1L);
            assertThat(job.get("batch_id")).isEqualTo("b1");
            assertThat(job.get("project_id")).isEqualTo(project);
            assertThat(job.get("correlation_id")).isEqualTo("batch-enqueue-corr-1");
        });
        assertThat(newJobs.stream().map(job -> (UUID) job.get("media_item_id")).toList())
                .as("one new job for each item of the batch that can run, none for the expired")
                .containsExactlyInAnyOrderElementsOf(queuedItems);
        Map<Object, Integer> recordedAt = new HashMap<>();
        newJobs.forEach(job -> recordedAt.merge(job.get("updated_at"), 1, Integer::sum));
        assertThat(recordedAt.values().stream().max(Integer::compare).orElseThrow()).as("one transaction")
                .isGreaterThanOrEqualTo(990);

        for (WorkerKind kind : List.of(WorkerKind.IMAGE, WorkerKind.VISION)) {
            Map<UUID, List<Message>> sent = TaskQueues.drain(rabbit, kind, new HashSet<>(jobIds));
            assertThat(sent.keySet()).as("a %s task for every new job", kind.json()).isEqualTo(Set.copyOf(jobIds));
            assertThat(sent.values()).allSatisfy(messages -> {
                assertThat(messages).as("sent once").hasSize(1);
                assertThat(Json.read(messages.get(0).getBody(), TaskMessage.class).run()).isEqualTo(1);
                assertThat(CorrelationId.of(messages.get(0))).contains("batch-enqueue-corr-1");
            });
        }
        Map<UUID, List<String>> snapshots = snapshots(redis, keys, jobIds);
        assertThat(snapshots.values()).allSatisfy(s -> {
            assertThat(s.get(0)).isEqualTo("queued");
            assertThat(s.get(1)).isEqualTo("1");
            assertThat(s.get(2)).as("nothing pending").isNull();
        });
    }

    @Test
    void anItemHeldByAnotherTransactionIsQueuedAfterItEvenWhenTheCallerStoppedWaiting() throws Exception {
        String owner = unique("owner");
        String project = unique("project");
        List<UUID> jobs = InsertedJobs.insert(db, owner, project, "b1", JobStatus.COMPLETED, 50);
        Map<UUID, UUID> media = mediaItems(jobs);
        UUID heldItem = media.get(jobs.get(0));

        Connection held = Mono.from(connections.create()).block(WAIT);
        Disposable call = null;
        try {
            Mono.from(held.beginTransaction()).block(WAIT);
            run(held, "SELECT id FROM media_items WHERE id = '" + heldItem + "' FOR UPDATE");
            call = batches.enqueue(new BatchEnqueueRequest(project, "b1", null, null), new Caller(owner, false))
                    .subscribe();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (newJobsOf(media.values()) < 49 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(newJobsOf(media.values())).as("the others queued together while one item is held")
                    .isEqualTo(49);
            call.dispose(); // the caller stops waiting (a timeout, a closed connection)
            Mono.from(held.commitTransaction()).block(WAIT);
        } finally {
            Mono.from(held.close()).block(WAIT);
            if (call != null) {
                call.dispose();
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (newJobsOf(media.values()) < 50 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(newJobsOf(media.values())).as("the held item too, once released").isEqualTo(50);
        Thread.sleep(500);
        assertThat(newJobsOf(media.values())).as("and each item once").isEqualTo(50);
        List<UUID> newJobIds = db.sql("SELECT id FROM jobs WHERE media_item_id = ANY(CAST(:ids AS uuid[]))"
                        + " AND NOT id = ANY(CAST(:old AS uuid[]))")
                .bind("ids", media.values().toArray(UUID[]::new)).bind("old", jobs.toArray(UUID[]::new))
                .mapValue(UUID.class).all().collectList().block(WAIT);
        TaskQueues.drain(rabbit, WorkerKind.IMAGE, new HashSet<>(newJobIds));
        TaskQueues.drain(rabbit, WorkerKind.VISION, new HashSet<>(newJobIds));
    }

    /** Each job's media item. */
    private Map<UUID, UUID> mediaItems(List<UUID> jobIds) {
        return db.sql("SELECT id, media_item_id FROM jobs WHERE id = ANY(CAST(:ids AS uuid[]))")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .map(row -> Map.entry(row.get("id", UUID.class), row.get("media_item_id", UUID.class)))
                .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
    }

    /** How many jobs the media items have beyond their first. */
    private long newJobsOf(java.util.Collection<UUID> mediaItemIds) {
        return db.sql("SELECT count(*) - count(DISTINCT media_item_id) FROM jobs"
                        + " WHERE media_item_id = ANY(CAST(:ids AS uuid[]))")
                .bind("ids", mediaItemIds.toArray(UUID[]::new))
                .mapValue(Long.class).one().block(WAIT);
    }
}
