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
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class BatchEnqueueApiTest extends ApiTest {

    @Autowired
    RabbitTemplate rabbit;

    @Test
    @SuppressWarnings("unchecked")
    void everyMediaItemOfTheBatchesIsQueuedAgainAndItsWaitingJobsCancelled() {
        String owner = unique("owner");
        String project = unique("project");
        Events queued = image(owner, project, "b1");
        Events completed = image(owner, project, "b1");
        Events processing = image(owner, project, "b2");
        Events otherBatch = image(owner, project, "b3");
        Events othersItem = image(unique("other"), project, "b1");
        apply(queued.submitted(), completed.submitted(), completed.imageSucceeded(1, 1, 2), processing.submitted(),
                processing.started(WorkerKind.IMAGE, 1, 3), otherBatch.submitted(), othersItem.submitted());

        Map<String, Object> body = enqueue(owner, "user", Map.of("projectId", project, "batchId", "b1",
                "batchIds", List.of("b2", "b1"), "priority", 4))
                .expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).containsOnlyKeys("success", "jobIds", "canceledCount")
                .containsEntry("success", true).containsEntry("canceledCount", 1);
        List<UUID> jobIds = ((List<String>) body.get("jobIds")).stream().map(UUID::fromString).toList();
        assertThat(jobIds).hasSize(3).doesNotContain(queued.jobId, completed.jobId, processing.jobId);

        assertThat(status(owner, queued.jobId)).isEqualTo("cancelled");
        assertThat(status(owner, completed.jobId)).isEqualTo("completed");
        assertThat(status(owner, processing.jobId)).isEqualTo("processing");
        assertThat(status(owner, otherBatch.jobId)).isEqualTo("queued");
        assertThat(status(othersItem.owner, othersItem.jobId)).isEqualTo("queued");

        for (UUID jobId : jobIds) {
            TaskMessage task = TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, jobId);
            assertThat(task.priority()).isEqualTo(4);
            assertThat(task.operations()).containsExactly(Operation.THUMBNAIL);
            assertThat(task.mediaItemId()).isIn(queued.mediaItemId, completed.mediaItemId, processing.mediaItemId);
            as(owner, "user").get().uri("/api/queue/items/{id}", jobId).exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("queued")
                    .jsonPath("$.project_id").isEqualTo(project);
        }
    }

    @Test
    void withoutAPriorityTheLatestJobsIsKept() {
        String owner = unique("owner");
        String project = unique("project");
        Events e = image(owner, project, "b1").priority(33);
        apply(e.submitted(), e.imageSucceeded(1, 1, 2));

        Map<String, Object> body = enqueue(owner, "user", Map.of("projectId", project, "batchId", "b1"))
                .expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).containsEntry("canceledCount", 0);
        UUID jobId = UUID.fromString(((List<String>) body.get("jobIds")).get(0));
        assertThat(TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, jobId).priority()).isEqualTo(33);
        as(owner, "user").get().uri("/api/queue/items/{id}", jobId).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.batch_id").isEqualTo("b1");
    }

    @Test
    void unknownOrAnotherOwnersBatchIsNotFoundAndBadBodiesAre400() {
        String project = unique("project");
        Events e = image(unique("owner"), project, "b1");
        apply(e.submitted());

        for (Map<String, Object> body : List.of(Map.<String, Object>of("projectId", project, "batchId", "b1"),
                Map.<String, Object>of("projectId", project, "batchIds", List.of("nope")),
                Map.<String, Object>of("projectId", unique("project"), "batchId", "b1"))) {
            enqueue("mallory", "user", body)
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.error").isEqualTo("not_found").jsonPath("$.message").isNotEmpty();
        }
        for (String body : List.of("{\"batchId\":\"b1\"}", "{\"projectId\":\"" + project + "\"}",
                "{\"projectId\":\"" + project + "\",\"batchIds\":[]}",
                "{\"projectId\":\"\",\"batchId\":\"b1\"}",
                "{\"projectId\":\"" + project + "\",\"batchIds\":[\"\"]}",
                "{\"projectId\":\"" + project + "\",\"batchId\":\"b1\",\"priority\":0}",
                "{\"projectId\":\"" + project + "\",\"batchId\":\"b1\",\"priority\":201}",
                "{\"projectId\":\"" + project + "\",\"batchIds\":\"b1\"}",
                "{\"projectId\":", "[1]", "")) {
            as(e.owner, "user").post().uri("/api/queue/enqueue").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request").jsonPath("$.message").isNotEmpty();
        }
        assertThat(status(e.owner, e.jobId)).isEqualTo("queued");
    }

    private WebTestClient.ResponseSpec enqueue(String owner, String role, Map<String, Object> body) {
        return as(owner, role).post().uri("/api/queue/enqueue").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }

    private String status(String owner, UUID jobId) {
        return (String) as(owner, "user").get().uri("/api/queue/items/{id}", jobId).exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("status");
    }

    private static Events image(String owner, String project, String batch) {
        return new Events(owner, List.of(Operation.THUMBNAIL), 2).project(project, batch);
    }
}
