package dev.mediaflow.queue.items;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SeedStatusApiTest extends ApiTest {

    @Test
    @SuppressWarnings("unchecked")
    void aJobInTheSeedsShapeWithEveryKey() {
        Events e = Events.allOperations(unique("owner")).priority(9).project("p-seed", "b-seed");
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 2), e.imageSucceeded(1, 1, 5),
                e.started(WorkerKind.VISION, 1, 3), e.visionSucceeded(1, 1, 8));

        String body = as(e.owner, "user").get().uri("/api/queue/status/{id}", e.jobId).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        Map<String, Object> response = Json.MAPPER.readValue(body, Map.class);
        assertThat(response).containsOnlyKeys("success", "job").containsEntry("success", true);
        Map<String, Object> job = (Map<String, Object>) response.get("job");
        assertThat(job).containsOnlyKeys("id", "type", "status", "priority", "data", "attempts", "maxAttempts",
                        "createdAt", "startedAt", "completedAt", "error")
                .containsEntry("id", e.jobId.toString())
                .containsEntry("type", "process_media")
                .containsEntry("status", "completed")
                .containsEntry("priority", 9)
                .containsEntry("attempts", 1)
                .containsEntry("maxAttempts", 3)
                .containsEntry("createdAt", "2026-01-10T12:00:00Z")
                .containsEntry("startedAt", "2026-01-10T12:00:02Z")
                .containsEntry("completedAt", "2026-01-10T12:00:08Z")
                .containsEntry("error", null);
        assertThat((Map<String, Object>) job.get("data"))
                .containsEntry("mediaItemId", e.mediaItemId.toString())
                .containsEntry("filename", "holiday.jpg")
                .containsEntry("mediaType", "photo")
                .containsEntry("operations", List.of("thumbnail", "blur", "low-quality", "depth"))
                .containsEntry("projectId", "p-seed")
                .containsEntry("batchId", "b-seed");
    }

    @Test
    void aFailedJobCarriesItsErrorAndAQueuedOneNullTimes() {
        Events failed = new Events(unique("owner"), List.of(dev.mediaflow.messages.Operation.DEPTH), 1);
        apply(failed.submitted(), failed.started(WorkerKind.VISION, 1, 1),
                failed.dead(WorkerKind.VISION, 1, "model crashed", 2));
        as(failed.owner, "user").get().uri("/api/queue/status/{id}", failed.jobId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.job.status").isEqualTo("failed")
                .jsonPath("$.job.error").isEqualTo("model crashed");

        Events queued = Events.allOperations(unique("owner"));
        apply(queued.submitted());
        as(queued.owner, "user").get().uri("/api/queue/status/{id}", queued.jobId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.job.status").isEqualTo("queued")
                .jsonPath("$.job.attempts").isEqualTo(0)
                .jsonPath("$.job.startedAt").isEmpty()
                .jsonPath("$.job.completedAt").isEmpty();
        as("root", "admin").get().uri("/api/queue/status/{id}", queued.jobId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.job.id").isEqualTo(queued.jobId.toString());
    }

    @Test
    void unknownOrAnotherOwnersJobIs404AndABadIdA400() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());
        for (UUID id : List.of(e.jobId, UUID.randomUUID())) {
            as("mallory", "user").get().uri("/api/queue/status/{id}", id).exchange()
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.error").isEqualTo("not_found").jsonPath("$.message").isNotEmpty();
        }
        as(e.owner, "user").get().uri("/api/queue/status/not-a-uuid").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request");
    }
}
