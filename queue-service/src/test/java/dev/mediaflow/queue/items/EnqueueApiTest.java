package dev.mediaflow.queue.items;

import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.PriorityRule;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.TaskQueues;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EnqueueApiTest extends ApiTest {

    private static final int PHOTO_PRIORITY = PriorityRule.priority(MediaType.PHOTO, 1_234_567L, 104_857_600L);

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    DatabaseClient db;

    @Test
    void anExistingMediaItemRunsAgainAsANewJobWithItsTasksPublished() {
        Events e = Events.allOperations(unique("owner")).priority(7);
        apply(e.submitted(), e.imageSucceeded(1, 1, 3));

        Map<String, Object> body = as(e.owner, "user").post().uri("/api/queue/enqueue/{id}", e.mediaItemId)
                .bodyValue(Map.of("maxAttempts", 5, "operations", List.of("depth", "thumbnail", "depth")))
                .exchange()
                .expectStatus().isAccepted()
                .expectHeader().exists("Location")
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).containsOnlyKeys("success", "queueId", "mediaItemId").containsEntry("success", true)
                .containsEntry("mediaItemId", e.mediaItemId.toString());
        UUID queueId = UUID.fromString((String) body.get("queueId"));
        assertThat(queueId).isNotEqualTo(e.jobId);

        TaskMessage image = TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, queueId);
        TaskMessage vision = TaskQueues.receiveTask(rabbit, WorkerKind.VISION, queueId);
        assertThat(image.operations()).containsExactly(Operation.THUMBNAIL);
        assertThat(vision.operations()).containsExactly(Operation.DEPTH);
        for (TaskMessage task : List.of(image, vision)) {
            assertThat(task.run()).isEqualTo(1);
            assertThat(task.attempt()).isEqualTo(1);
            assertThat(task.maxAttempts()).isEqualTo(5);
            assertThat(task.priority()).isEqualTo(PHOTO_PRIORITY);
            assertThat(task.mediaItemId()).isEqualTo(e.mediaItemId);
            assertThat(task.inputPath()).isEqualTo(e.submission().inputPath());
        }

        as(e.owner, "user").get().uri("/api/queue/items/{id}", queueId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("queued")
                .jsonPath("$.media_item_id").isEqualTo(e.mediaItemId.toString())
                .jsonPath("$.priority").isEqualTo(PHOTO_PRIORITY)
                .jsonPath("$.max_attempts").isEqualTo(5)
                .jsonPath("$.operations.length()").isEqualTo(2)
                .jsonPath("$.operations[0]").isEqualTo("thumbnail")
                .jsonPath("$.operations[1]").isEqualTo("depth")
                .jsonPath("$.results.thumbnail.width").isEqualTo(320);
    }

    @Test
    void withoutABodyAllFourOperationsAndThreeAttemptsAndAdminMayEnqueueAnyonesItem() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());

        UUID queueId = enqueued(as("root", "admin").post().uri("/api/queue/enqueue/{id}", e.mediaItemId)
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody());

        TaskMessage image = TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, queueId);
        assertThat(image.operations()).containsExactly(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);
        assertThat(image.maxAttempts()).isEqualTo(3);
        assertThat(image.owner()).isEqualTo(e.owner);
        assertThat(TaskQueues.receiveTask(rabbit, WorkerKind.VISION, queueId).operations())
                .containsExactly(Operation.DEPTH);
        as(e.owner, "user").get().uri("/api/queue/items/{id}", queueId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.max_attempts").isEqualTo(3).jsonPath("$.operations.length()").isEqualTo(4);
    }

    @Test
    void unknownOrAnotherOwnersMediaItemIsNotFoundAndBadInputIsA400() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());

        for (UUID id : List.of(e.mediaItemId, UUID.randomUUID())) {
            as("mallory", "user").post().uri("/api/queue/enqueue/{id}", id).exchange()
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.error").isEqualTo("not_found");
        }
        as(e.owner, "user").post().uri("/api/queue/enqueue/not-a-uuid").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request");
        for (String body : List.of("{\"maxAttempts\":0}", "{\"maxAttempts\":11}", "{\"operations\":[]}",
                "{\"operations\":[\"sharpen\"]}", "{\"operations\":[null]}", "{\"operations\":\"thumbnail\"}",
                "{\"maxAttempts\":\"many\"}", "{\"maxAttempts\":", "[1,2]")) {
            as(e.owner, "user").post().uri("/api/queue/enqueue/{id}", e.mediaItemId)
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request").jsonPath("$.message").isNotEmpty();
        }
        assertThat(jobsOf(e.mediaItemId)).isEqualTo(1);
    }

    private long jobsOf(UUID mediaItemId) {
        return db.sql("SELECT count(*) FROM jobs WHERE media_item_id = :id").bind("id", mediaItemId)
                .mapValue(Long.class).one().block(WAIT);
    }

    private static UUID enqueued(Map<String, Object> body) {
        assertThat(body).containsEntry("success", true);
        return UUID.fromString((String) body.get("queueId"));
    }
}
