package dev.mediaflow.queue.items;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.TaskQueues;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RedoApiTest extends ApiTest {

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    DatabaseClient db;

    @Test
    void redoRunsOnlyTheNamedOperationsAsANewJobAndTheOtherResultsStay() {
        Events e = Events.allOperations(unique("owner")).priority(17).project("p-redo", "b-redo");
        apply(e.submitted(), e.imageSucceeded(1, 1, 3), e.visionSucceeded(1, 1, 4));

        Map<String, Object> body = redo(e.owner, "user", Map.of("queueId", e.jobId.toString(),
                "operations", List.of("depth")))
                .expectStatus().isAccepted()
                .expectHeader().exists("Location")
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).containsOnlyKeys("success", "jobId").containsEntry("success", true);
        UUID jobId = UUID.fromString((String) body.get("jobId"));
        assertThat(jobId).isNotEqualTo(e.jobId);

        TaskMessage vision = TaskQueues.receiveTask(rabbit, WorkerKind.VISION, jobId);
        assertThat(vision.operations()).containsExactly(Operation.DEPTH);
        assertThat(vision.priority()).isEqualTo(17);
        assertThat(vision.mediaItemId()).isEqualTo(e.mediaItemId);
        assertThat(vision.run()).isEqualTo(1);

        as(e.owner, "user").get().uri("/api/queue/items/{id}", jobId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("queued")
                .jsonPath("$.operations.length()").isEqualTo(1)
                .jsonPath("$.operations[0]").isEqualTo("depth")
                .jsonPath("$.project_id").isEqualTo("p-redo")
                .jsonPath("$.batch_id").isEqualTo("b-redo")
                // the results the redo does not touch are still there, and so is the one it replaces until then
                .jsonPath("$.results.thumbnail.width").isEqualTo(320)
                .jsonPath("$.results.low-quality.width").isEqualTo(1280)
                .jsonPath("$.results.depth.width").isEqualTo(1024);
        as(e.owner, "user").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("completed");
    }

    @Test
    void aGivenPriorityIsUsedAndAdminMayRedoAnyonesJob() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted(), e.imageSucceeded(1, 1, 3), e.visionSucceeded(1, 1, 4));

        UUID jobId = UUID.fromString((String) redo("root", "admin", Map.of("queueId", e.jobId.toString(),
                        "operations", List.of("blur", "thumbnail", "blur"), "priority", 3))
                .expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("jobId"));

        TaskMessage image = TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, jobId);
        assertThat(image.operations()).containsExactly(Operation.THUMBNAIL, Operation.BLUR);
        assertThat(image.priority()).isEqualTo(3);
        assertThat(image.owner()).isEqualTo(e.owner);
    }

    @Test
    void unknownOrAnotherOwnersJobIsNotFoundAndBadBodiesAre400() {
        Events e = Events.allOperations(unique("owner"));
        apply(e.submitted());

        for (UUID id : List.of(e.jobId, UUID.randomUUID())) {
            redo("mallory", "user", Map.of("queueId", id.toString(), "operations", List.of("depth")))
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.error").isEqualTo("not_found").jsonPath("$.message").isNotEmpty();
        }
        String queueId = e.jobId.toString();
        for (String body : List.of("{\"operations\":[\"depth\"]}",
                "{\"queueId\":\"not-a-uuid\",\"operations\":[\"depth\"]}",
                "{\"queueId\":\"" + queueId + "\"}",
                "{\"queueId\":\"" + queueId + "\",\"operations\":[]}",
                "{\"queueId\":\"" + queueId + "\",\"operations\":[\"sharpen\"]}",
                "{\"queueId\":\"" + queueId + "\",\"operations\":[\"depth\"],\"priority\":0}",
                "{\"queueId\":\"" + queueId + "\",\"operations\":[\"depth\"],\"priority\":201}",
                "{\"queueId\":\"" + queueId + "\",\"operations\":[\"depth\"],\"priority\":\"high\"}",
                "{\"queueId\":\"" + queueId + "\",\"operations\":\"depth\"}",
                "{\"queueId\":", "[1,2]", "")) {
            as(e.owner, "user").post().uri("/api/queue/redo")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request").jsonPath("$.message").isNotEmpty();
        }
        assertThat(jobsOf(e.mediaItemId)).isEqualTo(1);
    }

    private WebTestClient.ResponseSpec redo(String owner, String role, Map<String, Object> body) {
        return as(owner, role).post().uri("/api/queue/redo").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }

    private long jobsOf(UUID mediaItemId) {
        return db.sql("SELECT count(*) FROM jobs WHERE media_item_id = :id").bind("id", mediaItemId)
                .mapValue(Long.class).one().block(WAIT);
    }
}
