package dev.mediaflow.queue.expiry;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record's side of the file lifecycle: {@code /internal/files/expire}, {@code /removed} and {@code /{id}}, which
 * only the gateway calls. Jobs here end 100 days before {@link Events#T0} and the cut-off is 50 days before it,
 * so no other test's job (all at T0 or later) is ever expired by these calls.
 */
class FileExpiryApiTest extends ApiTest {

    private static final int OLD = -100 * 86_400;
    private static final Instant CUT_OFF = Events.T0.minusSeconds(50L * 86_400);
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;

    @Test
    void anItemWhoseJobsAllEndedBeforeTheCutOffExpiresOnceAndEveryReadSaysSo() {
        Events e = Events.allOperations(unique("owner"));
        apply(completedLongAgo(e));
        assertThat(item(e.owner, e.jobId).get("results")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsOnlyKeys("thumbnail", "blur", "low-quality", "depth");

        List<Map<String, Object>> offered = expire(CUT_OFF);
        Map<String, Object> mine = only(offered, e.mediaItemId);
        assertThat(mine).containsEntry("owner", e.owner).containsKey("expiredAt");
        String expiredAt = (String) mine.get("expiredAt");

        // from the Redis snapshot (the default read) and from PostgreSQL alike
        for (boolean fromRedis : List.of(true, false)) {
            if (!fromRedis) {
                redis.delete(keys.job(e.jobId)).block(WAIT);
            }
            Map<String, Object> item = item(e.owner, e.jobId);
            assertThat(item.get("expired_at")).as("from Redis: " + fromRedis).isEqualTo(expiredAt);
            assertThat((Map<?, ?>) item.get("results")).as("from Redis: " + fromRedis).isEmpty();
            assertThat(item.get("status")).isEqualTo("completed");
        }
        as(e.owner, "user").get().uri("/internal/files/{id}", e.mediaItemId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.expiredAt").isEqualTo(expiredAt).jsonPath("$.owner").isEqualTo(e.owner);

        // offered again until the gateway confirms the files are gone, then never again
        assertThat(ids(expire(CUT_OFF))).contains(e.mediaItemId);
        assertThat(removed(List.of(e.mediaItemId))).isEqualTo(1);
        assertThat(removed(List.of(e.mediaItemId))).isZero();
        assertThat(ids(expire(CUT_OFF))).doesNotContain(e.mediaItemId);
        assertThat(item(e.owner, e.jobId).get("expired_at")).as("expired once: the time stays").isEqualTo(expiredAt);
    }

    @Test
    void anExpiredItemCannotRunAgainByEnqueueRetryOrReplay() {
        Events e = new Events(unique("owner"), Operation.standard(), 3);
        apply(failedLongAgo(e));
        assertThat(ids(expire(CUT_OFF))).contains(e.mediaItemId);

        as(e.owner, "user").post().uri("/api/queue/enqueue/{id}", e.mediaItemId).exchange()
                .expectStatus().isEqualTo(410)
                .expectBody().jsonPath("$.error").isEqualTo("expired").jsonPath("$.message").isNotEmpty();
        as(e.owner, "user").post().uri("/api/queue/items/{id}/retry", e.jobId).exchange()
                .expectStatus().isEqualTo(410)
                .expectBody().jsonPath("$.error").isEqualTo("expired");
        as("admin", "admin").post().uri("/api/queue/dead/replay")
                .bodyValue(Map.of("queueIds", List.of(e.jobId.toString())))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.replayedCount").isEqualTo(0);

        Map<String, Object> item = item(e.owner, e.jobId);
        assertThat(item.get("status")).as("refused changes left the job as it was").isEqualTo("failed");
        assertThat(item.get("expired_at")).isNotNull();
    }

    @Test
    void aJobQueuedProcessingOrRecentlyFinishedKeepsItsItemsFiles() {
        // an old finished job, and a second job of the same item that is still queued
        Events reEnqueued = Events.allOperations(unique("owner"));
        apply(completedLongAgo(reEnqueued));
        Events second = reEnqueued.otherJob(UUID.randomUUID(), List.of(Operation.THUMBNAIL));
        apply(second.submitted());
        // processing since long ago: started, never finished
        Events processing = Events.allOperations(unique("owner"));
        apply(processing.submitted(), processing.started(WorkerKind.IMAGE, 1, OLD));
        // queued only
        Events queued = Events.allOperations(unique("owner"));
        apply(queued.submitted());
        // finished, but after the cut-off
        Events recent = Events.allOperations(unique("owner"));
        apply(recent.submitted(), recent.imageSucceeded(1, 1, 5), recent.visionSucceeded(1, 1, 6));
        // and one that may go, so the call is known to expire what it should
        Events old = Events.allOperations(unique("owner"));
        apply(completedLongAgo(old));

        List<UUID> offered = ids(expire(CUT_OFF));

        assertThat(offered).contains(old.mediaItemId)
                .doesNotContain(reEnqueued.mediaItemId, processing.mediaItemId, queued.mediaItemId, recent.mediaItemId);
        assertThat(item(second.owner, second.jobId).get("status")).isEqualTo("queued");
        assertThat(item(processing.owner, processing.jobId).get("status")).isEqualTo("processing");
        for (Events kept : List.of(reEnqueued, second, processing, queued, recent)) {
            assertThat(item(kept.owner, kept.jobId).get("expired_at")).as(kept.jobId.toString()).isNull();
        }
        assertThat((Map<?, ?>) item(reEnqueued.owner, reEnqueued.jobId).get("results")).hasSize(4);
        assertThat((Map<?, ?>) item(recent.owner, recent.jobId).get("results")).hasSize(4);
    }

    @Test
    void onlyAdminExpiresOrConfirmsAndBadRequestsAreRefused() {
        Events e = Events.allOperations(unique("owner"));
        apply(completedLongAgo(e));

        as(e.owner, "user").post().uri("/internal/files/expire").bodyValue(Map.of("finalBefore", CUT_OFF.toString()))
                .exchange().expectStatus().isForbidden().expectBody().jsonPath("$.error").isEqualTo("forbidden");
        as(e.owner, "user").post().uri("/internal/files/removed").bodyValue(Map.of("mediaItemIds", List.of(e.mediaItemId)))
                .exchange().expectStatus().isForbidden();
        assertThat(item(e.owner, e.jobId).get("expired_at")).as("nothing expired by a user").isNull();

        for (Object body : List.of(Map.of(), Map.of("finalBefore", "yesterday"),
                Map.of("finalBefore", Instant.now().plusSeconds(3600).toString()),
                Map.of("finalBefore", CUT_OFF.toString(), "limit", 0),
                Map.of("finalBefore", CUT_OFF.toString(), "limit", FileExpiryController.MAX_LIMIT + 1))) {
            as("admin", "admin").post().uri("/internal/files/expire").bodyValue(body).exchange()
                    .expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("bad_request");
        }
        as("admin", "admin").post().uri("/internal/files/expire").exchange().expectStatus().isBadRequest();
        as("admin", "admin").post().uri("/internal/files/removed").bodyValue(Map.of()).exchange().expectStatus().isBadRequest();

        as("mallory", "user").get().uri("/internal/files/{id}", e.mediaItemId).exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.error").isEqualTo("not_found");
        as("admin", "admin").get().uri("/internal/files/{id}", e.mediaItemId).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.expiredAt").doesNotExist();
        as("admin", "admin").get().uri("/internal/files/{id}", UUID.randomUUID()).exchange().expectStatus().isNotFound();
        as("admin", "admin").get().uri("/internal/files/not-a-uuid").exchange().expectStatus().isBadRequest();
        http.get().uri("/internal/files/{id}", e.mediaItemId).exchange().expectStatus().isUnauthorized();
    }

    private static List<JobEvent> completedLongAgo(Events e) {
        return List.of(e.submitted(), e.started(WorkerKind.IMAGE, 1, OLD), e.started(WorkerKind.VISION, 1, OLD),
                e.imageSucceeded(1, 1, OLD + 10), e.visionSucceeded(1, 1, OLD + 20));
    }

    private static List<JobEvent> failedLongAgo(Events e) {
        return List.of(e.submitted(), e.started(WorkerKind.IMAGE, 1, OLD), e.visionSucceeded(1, 1, OLD + 5),
                e.failed(WorkerKind.IMAGE, 1, "unreadable", OLD + 10), e.dead(WorkerKind.IMAGE, 1, "unreadable", OLD + 10));
    }

    private List<Map<String, Object>> expire(Instant finalBefore) {
        Map<String, Object> body = as("admin", "admin").post().uri("/internal/files/expire")
                .bodyValue(Map.of("finalBefore", finalBefore.toString(), "limit", FileExpiryController.MAX_LIMIT))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) body.get("items");
        return items;
    }

    private long removed(List<UUID> mediaItemIds) {
        Map<String, Object> body = as("admin", "admin").post().uri("/internal/files/removed")
                .bodyValue(Map.of("mediaItemIds", mediaItemIds))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        return ((Number) body.get("confirmed")).longValue();
    }

    private Map<String, Object> item(String owner, UUID jobId) {
        return as(owner, "user").get().uri("/api/queue/items/{id}", jobId).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    private static List<UUID> ids(List<Map<String, Object>> items) {
        return items.stream().map(i -> UUID.fromString((String) i.get("mediaItemId"))).toList();
    }

    private static Map<String, Object> only(List<Map<String, Object>> items, UUID mediaItemId) {
        List<Map<String, Object>> mine = items.stream()
                .filter(i -> mediaItemId.toString().equals(i.get("mediaItemId"))).toList();
        assertThat(mine).as("offered once").hasSize(1);
        return mine.get(0);
    }
}
