package dev.mediaflow.queue.items;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.TaskQueues;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class BulkActionsApiTest extends ApiTest {

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    BulkJobActions bulk;

    // ---- cancel ----------------------------------------------------------------------------------

    @Test
    void cancelStopsTheUnfinishedJobsOfTheCallerInTheProjectAndBatches() {
        String owner = unique("owner");
        String project = unique("project");
        Events queuedB1 = job(owner, project, "b1");
        Events processingB2 = job(owner, project, "b2");
        Events completedB1 = new Events(owner, List.of(Operation.DEPTH), 1).project(project, "b1");
        Events otherProject = job(owner, unique("project"), "b1");
        Events othersJob = job(unique("other"), project, "b1");
        apply(queuedB1.submitted(), processingB2.submitted(), processingB2.started(WorkerKind.IMAGE, 1, 1),
                completedB1.submitted(), completedB1.visionSucceeded(1, 1, 2), otherProject.submitted(),
                othersJob.submitted());

        cancel(owner, "user", Map.of("projectId", project, "batchIds", List.of("b1", "b9")))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.success").isEqualTo(true).jsonPath("$.canceledCount").isEqualTo(1);
        assertThat(status(queuedB1)).isEqualTo("cancelled");
        assertThat(status(processingB2)).isEqualTo("processing");
        assertThat(redis.opsForValue().get(keys.cancel(queuedB1.jobId)).block(WAIT)).isEqualTo("1");

        cancel(owner, "user", Map.of("projectId", project))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.canceledCount").isEqualTo(1);
        assertThat(status(processingB2)).isEqualTo("cancelled");
        assertThat(status(completedB1)).isEqualTo("completed");
        assertThat(status(otherProject)).isEqualTo("queued");
        assertThat(status(othersJob)).isEqualTo("queued");

        cancel(owner, "user", Map.of("projectId", project, "batchIds", List.of()))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.canceledCount").isEqualTo(0);
        cancel("root", "admin", Map.of("projectId", project))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.canceledCount").isEqualTo(1);
        assertThat(status(othersJob)).isEqualTo("cancelled");
    }

    /** A caller that stops waiting (the gateway's timeout, a closed connection) does not stop the cancel halfway. */
    @Test
    void aBulkCancelGoesOnToTheEndWhenItsCallerStopsWaiting() throws InterruptedException {
        String owner = unique("owner");
        String project = unique("project");
        List<Events> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            jobs.add(job(owner, project, "b1"));
        }
        apply(jobs.stream().map(Events::submitted).toList());

        reactor.core.Disposable call = bulk.cancel(new BulkCancelRequest(project, null),
                new dev.mediaflow.queue.web.Caller(owner, false)).subscribe();
        call.dispose();

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (jobs.stream().anyMatch(e -> !"cancelled".equals(status(e))) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(jobs).allSatisfy(e -> assertThat(status(e)).isEqualTo("cancelled"));
        cancel(owner, "user", Map.of("projectId", project)).expectStatus().isOk()
                .expectBody().jsonPath("$.canceledCount").isEqualTo(0);
    }

    @Test
    void cancelWithoutProjectIsA400() {
        for (String body : List.of("{}", "{\"projectId\":\"  \"}", "{\"batchIds\":[\"b1\"]}",
                "{\"projectId\":\"p\",\"batchIds\":\"b1\"}", "not json")) {
            cancel("alice", "user", body)
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request").jsonPath("$.message").isNotEmpty();
        }
        as("alice", "user").post().uri("/api/queue/cancel").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request");
    }

    // ---- retry -----------------------------------------------------------------------------------

    @Test
    void retryOneJobOrEveryFailedJobOfTheProject() {
        String owner = unique("owner");
        String project = unique("project");
        Events failed1 = depthJob(owner, project);
        Events failed2 = depthJob(owner, project);
        Events cancelled = depthJob(owner, project);
        Events completed = depthJob(owner, project);
        Events othersFailed = depthJob(unique("other"), project);
        for (Events failed : List.of(failed1, failed2, othersFailed)) {
            apply(failed.submitted(), failed.dead(WorkerKind.VISION, 1, "model crashed", 3));
        }
        apply(cancelled.submitted(), completed.submitted(), completed.visionSucceeded(1, 1, 2));
        as(owner, "user").post().uri("/api/queue/items/{id}/cancel", cancelled.jobId).exchange().expectStatus().isOk();

        retry(owner, "user", Map.of("projectId", project, "jobId", cancelled.jobId.toString()))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.success").isEqualTo(true).jsonPath("$.retriedCount").isEqualTo(1);
        assertThat(status(cancelled)).isEqualTo("queued");
        assertThat(status(failed1)).isEqualTo("failed");
        assertThat(TaskQueues.receiveTask(rabbit, WorkerKind.VISION, cancelled.jobId).run()).isEqualTo(2);

        retry(owner, "user", Map.of("projectId", project, "retryAll", true))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.retriedCount").isEqualTo(2);
        for (Events retried : List.of(failed1, failed2)) {
            assertThat(status(retried)).isEqualTo("queued");
            assertThat(TaskQueues.receiveTask(rabbit, WorkerKind.VISION, retried.jobId).run()).isEqualTo(2);
        }
        assertThat(status(othersFailed)).isEqualTo("failed");
        assertThat(status(completed)).isEqualTo("completed");

        retry(owner, "user", Map.of("projectId", project, "retryAll", true))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.retriedCount").isEqualTo(0);
        retry("root", "admin", Map.of("projectId", project, "retryAll", true))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.retriedCount").isEqualTo(1);
        assertThat(status(othersFailed)).isEqualTo("queued");
    }

    @Test
    void retryOfAJobThatIsNotRetryableOrNotInTheProjectIsRefused() {
        String owner = unique("owner");
        String project = unique("project");
        Events completed = depthJob(owner, project);
        Events failedElsewhere = depthJob(owner, unique("project"));
        Events othersFailed = depthJob(unique("other"), project);
        apply(completed.submitted(), completed.visionSucceeded(1, 1, 2));
        for (Events failed : List.of(failedElsewhere, othersFailed)) {
            apply(failed.submitted(), failed.dead(WorkerKind.VISION, 1, "model crashed", 3));
        }

        retry(owner, "user", Map.of("projectId", project, "jobId", completed.jobId.toString()))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.error").isEqualTo("conflict");
        for (UUID id : List.of(failedElsewhere.jobId, othersFailed.jobId, UUID.randomUUID())) {
            retry(owner, "user", Map.of("projectId", project, "jobId", id.toString()))
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.error").isEqualTo("not_found");
        }
        assertThat(status(failedElsewhere)).isEqualTo("failed");
        assertThat(status(othersFailed)).isEqualTo("failed");
    }

    @Test
    void retryWithoutProjectOrWithoutJobIdAndRetryAllIsA400() {
        for (String body : List.of("{\"retryAll\":true}", "{\"projectId\":\"p\"}", "{\"projectId\":\"p\",\"retryAll\":false}",
                "{\"projectId\":\"p\",\"jobId\":\"not-a-uuid\"}", "{\"projectId\":\"p\",\"retryAll\":\"yes please\"}",
                "[]")) {
            retry("alice", "user", body)
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request").jsonPath("$.message").isNotEmpty();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static Events job(String owner, String project, String batch) {
        return Events.allOperations(owner).project(project, batch);
    }

    private static Events depthJob(String owner, String project) {
        return new Events(owner, List.of(Operation.DEPTH), 1).project(project, "batch-1");
    }

    private ResponseSpec cancel(String owner, String role,
                                                                                          Object body) {
        return post("/api/queue/cancel", owner, role, body);
    }

    private ResponseSpec retry(String owner, String role,
                                                                                         Object body) {
        return post("/api/queue/retry", owner, role, body);
    }

    private ResponseSpec post(String uri, String owner,
                                                                                        String role, Object body) {
        return as(owner, role).post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private String status(Events e) {
        return (String) as("root", "admin").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("status");
    }
}
