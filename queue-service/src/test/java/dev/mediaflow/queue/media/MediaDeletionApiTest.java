package dev.mediaflow.queue.media;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.InternalMediaApi;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MediaDeletionApiTest extends ApiTest {

    private static final String EVERY_RUN = Integer.toString(Integer.MAX_VALUE);

    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;

    @Test
    void startStopsTheItemThenFinishRemovesEveryRowAndRedisKeyAndLateEventsChangeNothing() {
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY), 2);
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.imageSucceeded(1, 1, 2));
        Events queued = e.otherJob(UUID.randomUUID(), List.of(Operation.BLUR));
        apply(queued.submitted());
        Events duplicate = new Events(e.owner, List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY), 2)
                .createdAfter(30);
        apply(JobEvent.submitted(duplicate.submission().asDuplicateOf(e.mediaItemId, Map.of(
                "thumbnail", VariantResult.of(320, 240, 9_000), "blur", VariantResult.of(640, 480, 20_000),
                "low-quality", VariantResult.of(1280, 960, 60_000)))));
        // what a worker leaves in Redis for a task it finished
        redis.opsForValue().set(keys.taskDone(e.jobId, WorkerKind.IMAGE, 1), "{}").block(WAIT);
        redis.opsForHash().put(keys.attempt(e.jobId, WorkerKind.IMAGE, 1, 1), "holder", "").block(WAIT);

        InternalMediaApi.DeletionStarted started = as(e.owner, "user").post()
                .uri(InternalMediaApi.deletion(e.mediaItemId)).exchange()
                .expectStatus().isOk()
                .expectBody(InternalMediaApi.DeletionStarted.class).returnResult().getResponseBody();
        assertThat(started.owner()).isEqualTo(e.owner);
        assertThat(started.inputPath()).isEqualTo(e.submission().inputPath());
        assertThat(started.outputDir()).isEqualTo(e.submission().outputDir());
        assertThat(started.jobIds()).containsExactlyInAnyOrder(e.jobId, queued.jobId);
        assertThat(status(queued)).isEqualTo("cancelled");
        assertThat(status(e)).isEqualTo("completed");
        for (UUID jobId : started.jobIds()) {
            assertThat(redis.opsForValue().get(keys.cancel(jobId)).block(WAIT)).isEqualTo(EVERY_RUN);
        }
        // stopped: no new work for it, and it is no longer listed
        as(e.owner, "user").post().uri("/api/queue/enqueue/{id}", e.mediaItemId).exchange()
                .expectStatus().isNotFound();
        as(e.owner, "user").post().uri("/api/queue/redo").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("queueId", e.jobId.toString(), "operations", List.of("blur"))).exchange()
                .expectStatus().isNotFound();
        as(e.owner, "user").post().uri("/api/queue/items/{id}/retry", queued.jobId).exchange()
                .expectStatus().isNotFound();
        as(e.owner, "user").get().uri("/api/media/status").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.count").isEqualTo(1);

        assertThat(redis.hasKey(keys.media(e.mediaItemId)).block(WAIT)).isTrue();
        as(e.owner, "user").delete().uri(InternalMediaApi.mediaItem(e.mediaItemId)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.success").isEqualTo(true);

        for (String table : List.of("jobs", "tasks", "task_attempts")) {
            String column = table.equals("jobs") ? "id" : "job_id";
            assertThat(count("SELECT count(*) FROM " + table + " WHERE " + column + " IN (:a, :b)", e, queued))
                    .as(table).isZero();
        }
        assertThat(count("SELECT count(*) FROM results WHERE media_item_id = :m", e, queued)).isZero();
        assertThat(count("SELECT count(*) FROM media_items WHERE id = :m", e, queued)).isZero();
        assertThat(count("SELECT count(*) FROM deleted_jobs WHERE job_id IN (:a, :b)", e, queued)).isEqualTo(2);
        assertThat(redis.hasKey(keys.job(e.jobId)).block(WAIT)).isFalse();
        assertThat(redis.hasKey(keys.job(queued.jobId)).block(WAIT)).isFalse();
        assertThat(redis.hasKey(keys.media(e.mediaItemId)).block(WAIT)).as("its results version").isFalse();
        assertThat(redis.hasKey(keys.taskDone(e.jobId, WorkerKind.IMAGE, 1)).block(WAIT)).isFalse();
        assertThat(redis.hasKey(keys.attempt(e.jobId, WorkerKind.IMAGE, 1, 1)).block(WAIT)).isFalse();
        // the duplicate that shared its results keeps them, and no longer names the deleted item
        as(e.owner, "user").get().uri("/api/queue/items/{id}", duplicate.jobId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("completed").jsonPath("$.results.blur.width").isEqualTo(640);
        as(e.owner, "user").get().uri("/api/media/status").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.count").isEqualTo(1)
                .jsonPath("$.items[0].media_item_id").isEqualTo(duplicate.mediaItemId.toString())
                .jsonPath("$.items[0].duplicate_of").isEmpty();
        // the cancel flags stay until they expire, so a task message still queued is skipped
        assertThat(redis.opsForValue().get(keys.cancel(queued.jobId)).block(WAIT)).isEqualTo(EVERY_RUN);

        // a worker that was still at it reports late: nothing comes back
        apply(queued.task(EventType.TASK_STARTED, WorkerKind.IMAGE, 1, 1, 9), queued.imageSucceeded(1, 1, 10),
                queued.submitted());
        assertThat(count("SELECT count(*) FROM tasks WHERE job_id IN (:a, :b)", e, queued)).isZero();
        assertThat(count("SELECT count(*) FROM task_attempts WHERE job_id IN (:a, :b)", e, queued)).isZero();
        assertThat(count("SELECT count(*) FROM results WHERE media_item_id = :m", e, queued)).isZero();
        assertThat(count("SELECT count(*) FROM media_items WHERE id = :m", e, queued)).isZero();

        for (UUID jobId : started.jobIds()) {
            as(e.owner, "user").get().uri("/api/queue/items/{id}", jobId).exchange().expectStatus().isNotFound();
            as(e.owner, "user").get().uri("/api/queue/status/{id}", jobId).exchange().expectStatus().isNotFound();
            as(e.owner, "user").post().uri("/api/queue/items/{id}/cancel", jobId).exchange()
                    .expectStatus().isNotFound();
        }
        as(e.owner, "user").post().uri(InternalMediaApi.deletion(e.mediaItemId)).exchange()
                .expectStatus().isNotFound();
        as(e.owner, "user").delete().uri(InternalMediaApi.mediaItem(e.mediaItemId)).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void runningCountsTheTasksAWorkerStillHoldsUntilItLetsGo() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.started(WorkerKind.VISION, 1, 1),
                e.visionSucceeded(1, 1, 2));
        as(e.owner, "user").post().uri(InternalMediaApi.deletion(e.mediaItemId)).exchange().expectStatus().isOk();
        assertThat(status(e)).isEqualTo("cancelled");

        assertThat(running(e)).isEqualTo(1);
        apply(e.task(EventType.TASK_CANCELLED, WorkerKind.IMAGE, 1, 1, 3));
        assertThat(running(e)).isZero();
    }

    @Test
    void anotherOwnerGets404AtEveryStepAndChangesNothingButAdminMayDelete() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());

        as("mallory", "user").post().uri(InternalMediaApi.deletion(e.mediaItemId)).exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.error").isEqualTo("not_found");
        as("mallory", "user").get().uri(InternalMediaApi.deletion(e.mediaItemId)).exchange()
                .expectStatus().isNotFound();
        as("mallory", "user").delete().uri(InternalMediaApi.mediaItem(e.mediaItemId)).exchange()
                .expectStatus().isNotFound();
        assertThat(status(e)).isEqualTo("queued");
        assertThat(redis.hasKey(keys.cancel(e.jobId)).block(WAIT)).isFalse();

        // the rows stay until the deletion has started (the gateway removes the files in between)
        as(e.owner, "user").delete().uri(InternalMediaApi.mediaItem(e.mediaItemId)).exchange()
                .expectStatus().isEqualTo(409).expectBody().jsonPath("$.error").isEqualTo("conflict");
        assertThat(status(e)).isEqualTo("queued");

        as("root", "admin").post().uri(InternalMediaApi.deletion(e.mediaItemId)).exchange().expectStatus().isOk();
        as("root", "admin").delete().uri(InternalMediaApi.mediaItem(e.mediaItemId)).exchange().expectStatus().isOk();
        as(e.owner, "user").get().uri("/api/queue/items/{id}", e.jobId).exchange().expectStatus().isNotFound();
    }

    @Test
    void aBadIdIsA400AndAnUnknownOneA404() {
        as("alice", "user").post().uri("/internal/media/not-a-uuid/deletion").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("bad_request");
        as("alice", "user").post().uri(InternalMediaApi.deletion(UUID.randomUUID())).exchange()
                .expectStatus().isNotFound();
    }

    private long running(Events e) {
        return as(e.owner, "user").get().uri(InternalMediaApi.deletion(e.mediaItemId)).exchange()
                .expectStatus().isOk()
                .expectBody(InternalMediaApi.Running.class).returnResult().getResponseBody().tasks();
    }

    private String status(Events e) {
        return (String) as(e.owner, "user").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("status");
    }

    private long count(String sql, Events e, Events other) {
        var spec = db.sql(sql);
        if (sql.contains(":a")) {
            spec = spec.bind("a", e.jobId).bind("b", other.jobId);
        }
        if (sql.contains(":m")) {
            spec = spec.bind("m", e.mediaItemId);
        }
        return spec.mapValue(Long.class).one().block(WAIT);
    }
}
