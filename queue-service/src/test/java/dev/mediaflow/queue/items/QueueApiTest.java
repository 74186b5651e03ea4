package dev.mediaflow.queue.items;

import dev.mediaflow.messages.ControlCommand;
import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.PriorityRule;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.events.JobEventApplier;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class QueueApiTest extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<String> ITEM_KEYS = List.of("id", "media_item_id", "status", "priority", "attempts",
            "max_attempts", "last_error", "queued_at", "started_at", "completed_at", "duration_ms", "original_filename",
            "media_type", "file_size", "sha256", "operations", "project_id", "batch_id", "results", "expired_at",
            "attempts_log");

    @Autowired
    WebTestClient http;
    @Autowired
    JobEventApplier applier;
    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    RabbitAdmin admin;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;

    // ---- item ------------------------------------------------------------------------------------

    @Test
    void itemHasEveryContractKeyAndOnlyExistingResultsWithoutServerPaths() {
        Events e = Events.allOperations(uniqueOwner());
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.imageSucceeded(1, 1, 3));

        String body = as(e.owner, "user").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        Map<String, Object> item = Json.MAPPER.readValue(body, Map.class);

        assertThat(item.keySet()).containsExactlyInAnyOrderElementsOf(ITEM_KEYS);
        assertThat(item).containsEntry("id", e.jobId.toString())
                .containsEntry("media_item_id", e.mediaItemId.toString())
                .containsEntry("status", "processing")
                .containsEntry("priority", 42).containsEntry("attempts", 1).containsEntry("max_attempts", 3)
                .containsEntry("last_error", null).containsEntry("queued_at", "2026-01-10T12:00:00Z")
                .containsEntry("started_at", "2026-01-10T12:00:01Z").containsEntry("completed_at", null)
                .containsEntry("original_filename", "holiday.jpg").containsEntry("media_type", "photo")
                .containsEntry("file_size", 1_234_567).containsEntry("project_id", "project-1")
                .containsEntry("batch_id", "batch-1")
                .containsEntry("operations", List.of("thumbnail", "blur", "low-quality", "depth"));
        Map<String, Map<String, Object>> results = (Map<String, Map<String, Object>>) item.get("results");
        assertThat(results).containsOnlyKeys("thumbnail", "blur", "low-quality");
        assertThat(results.get("thumbnail")).containsOnlyKeys("url", "width", "height", "bytes")
                .containsEntry("url", "/api/media/" + e.mediaItemId + "/variants/thumbnail")
                .containsEntry("width", 320).containsEntry("height", 240).containsEntry("bytes", 9000);
        assertThat(body).doesNotContain("uploads/").doesNotContain("processed/");

        apply(e.visionSucceeded(1, 1, 9));
        as(e.owner, "user").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("completed")
                .jsonPath("$.duration_ms").isEqualTo(8000)
                .jsonPath("$.results.depth.model").isEqualTo("depth-anything-v2-small")
                .jsonPath("$.results.depth.url").isEqualTo("/api/media/" + e.mediaItemId + "/variants/depth");
    }

    @Test
    void anotherOwnersItemIsNotFoundButAdminSeesIt() {
        Events e = Events.allOperations(uniqueOwner());
        apply(e.submitted());

        as("mallory", "user").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error").isEqualTo("not_found").jsonPath("$.message").isNotEmpty();
        as("root", "admin").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(e.jobId.toString());
        as("mallory", "user").get().uri("/api/queue/items/{id}", UUID.randomUUID()).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void badIdAndMissingOwnerAreRefused() {
        as("alice", "user").get().uri("/api/queue/items/not-a-uuid").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request");
        http.get().uri("/api/queue/items").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("unauthorized");
    }

    // ---- list and stats --------------------------------------------------------------------------

    @Test
    void listFiltersPagesAndCountsAllMatches() {
        String owner = uniqueOwner();
        Events small = Events.allOperations(owner).priority(5);
        Events medium = Events.allOperations(owner).priority(50);
        Events large = Events.allOperations(owner).priority(90);
        apply(small.submitted(), medium.submitted(), large.submitted(), medium.started(WorkerKind.IMAGE, 1, 1));
        apply(Events.allOperations(uniqueOwner()).submitted());

        as(owner, "user").get().uri("/api/queue/items?limit=2&orderBy=priority&orderDirection=desc").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.count").isEqualTo(3)
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].id").isEqualTo(large.jobId.toString())
                .jsonPath("$.items[1].id").isEqualTo(medium.jobId.toString())
                .jsonPath("$.pagination.limit").isEqualTo(2)
                .jsonPath("$.pagination.offset").isEqualTo(0);
        as(owner, "user").get().uri("/api/queue/items?status=queued&offset=1").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.count").isEqualTo(2)
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].id").isEqualTo(large.jobId.toString())
                .jsonPath("$.items[0].results").isMap();
        as(owner, "user").get().uri("/api/queue/items?status=&orderBy=file_size&orderDirection=ASC").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.count").isEqualTo(3);
    }

    @Test
    void everyBadListParameterIsA400() {
        for (String query : List.of("status=done", "status=QUEUED", "limit=0", "limit=501", "limit=ten", "offset=-1",
                "offset=x", "orderBy=owner", "orderBy=priority;drop", "orderDirection=up")) {
            as("alice", "user").get().uri("/api/queue/items?" + query).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request").jsonPath("$.message").isNotEmpty();
        }
        as("alice", "user").get().uri("/api/queue/items?limit=500&offset=0&orderBy=queued_at&orderDirection=Desc")
                .exchange().expectStatus().isOk();
    }

    @Test
    void statsCountEveryStatusOfTheOwnerOnly() {
        String owner = uniqueOwner();
        Events queued1 = Events.allOperations(owner);
        Events queued2 = Events.allOperations(owner);
        Events processing = Events.allOperations(owner);
        Events completed = new Events(owner, List.of(Operation.DEPTH), 1);
        Events failed = new Events(owner, List.of(Operation.DEPTH), 1);
        apply(queued1.submitted(), queued2.submitted(), processing.submitted(), completed.submitted(),
                failed.submitted(), processing.started(WorkerKind.IMAGE, 1, 1),
                completed.visionSucceeded(1, 1, 2), failed.dead(WorkerKind.VISION, 1, "model failed", 2));
        apply(Events.allOperations(uniqueOwner()).submitted());

        as(owner, "user").get().uri("/api/queue/stats").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.stats.queued").isEqualTo(2)
                .jsonPath("$.stats.processing").isEqualTo(1)
                .jsonPath("$.stats.completed").isEqualTo(1)
                .jsonPath("$.stats.failed").isEqualTo(1)
                .jsonPath("$.stats.cancelled").isEqualTo(0)
                .jsonPath("$.stats.pending").isEqualTo(0)
                .jsonPath("$.timestamp").isNotEmpty();
        as(owner, "user").get().uri("/api/queue/stats?projectId=another-project").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.stats.queued").isEqualTo(0);
    }

    // ---- cancel and retry ------------------------------------------------------------------------

    @Test
    void cancelThenCancelAgainIsAConflict() {
        Events e = Events.allOperations(uniqueOwner());
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1));

        as("mallory", "user").post().uri("/api/queue/items/{id}/cancel", e.jobId).exchange()
                .expectStatus().isNotFound();
        as(e.owner, "user").post().uri("/api/queue/items/{id}/cancel", e.jobId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.success").isEqualTo(true).jsonPath("$.queueId").isEqualTo(e.jobId.toString());
        assertThat(redis.opsForValue().get(keys.cancel(e.jobId)).block(WAIT)).isEqualTo("1");
        assertThat(redis.<String, String>opsForHash().get(keys.job(e.jobId), "status").block(WAIT)).isEqualTo("cancelled");

        apply(e.task(EventType.TASK_CANCELLED, WorkerKind.IMAGE, 1, 1, 5));
        as(e.owner, "user").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectBody().jsonPath("$.status").isEqualTo("cancelled").jsonPath("$.completed_at").isNotEmpty();
        as(e.owner, "user").post().uri("/api/queue/items/{id}/cancel", e.jobId).exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.error").isEqualTo("conflict");
    }

    @Test
    void retryOfAFailedJobRepublishesItsTaskWithTheNextRunAndItsPriority() {
        Events e = new Events(uniqueOwner(), List.of(Operation.THUMBNAIL, Operation.BLUR), 2).priority(17);
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.dead(WorkerKind.IMAGE, 2, "bad pixels", 3));

        as(e.owner, "user").post().uri("/api/queue/items/{id}/retry", e.jobId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.success").isEqualTo(true).jsonPath("$.queueId").isEqualTo(e.jobId.toString());

        Message message = receiveTaskOf(WorkerKind.IMAGE, e.jobId);
        TaskMessage task = Json.read(message.getBody(), TaskMessage.class);
        assertThat(task.run()).isEqualTo(2);
        assertThat(task.attempt()).isEqualTo(1);
        assertThat(task.maxAttempts()).isEqualTo(2);
        assertThat(task.operations()).containsExactly(Operation.THUMBNAIL, Operation.BLUR);
        assertThat(task.inputPath()).isEqualTo(e.submission().inputPath());
        assertThat(task.priority()).isEqualTo(17);
        assertThat(message.getMessageProperties().getPriority()).isEqualTo(PriorityRule.amqpPriority(17));
        assertThat(message.getMessageProperties().getContentType()).isEqualTo("application/json");

        as(e.owner, "user").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectBody()
                .jsonPath("$.status").isEqualTo("queued")
                .jsonPath("$.attempts").isEqualTo(0)
                .jsonPath("$.last_error").isEmpty()
                .jsonPath("$.started_at").isEmpty();
        as(e.owner, "user").post().uri("/api/queue/items/{id}/retry", e.jobId).exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT);
    }

    @Test
    void retryOfACompletedJobIsAConflict() {
        Events e = new Events(uniqueOwner(), List.of(Operation.DEPTH), 3);
        apply(e.submitted(), e.visionSucceeded(1, 1, 4));

        as(e.owner, "user").post().uri("/api/queue/items/{id}/retry", e.jobId).exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.error").isEqualTo("conflict");
        as(e.owner, "user").post().uri("/api/queue/items/{id}/retry", "nope").exchange()
                .expectStatus().isBadRequest();
    }

    // ---- workers ---------------------------------------------------------------------------------

    @Test
    void workerStatusIsReadFromTheHeartbeats() {
        String idle = "image-" + UUID.randomUUID();
        String busy = "vision-" + UUID.randomUUID();
        heartbeat(idle, Map.of("id", idle, "kind", "image", "state", "paused", "currentJob", "",
                "processed", "12", "failed", "1", "lastHeartbeat", "2026-01-10T12:00:00Z"));
        heartbeat(busy, Map.of("id", busy, "kind", "vision", "state", "running", "currentJob", "job-1",
                "processed", "3", "failed", "0", "lastHeartbeat", "2026-01-10T12:00:01Z"));
        try {
            as("root", "admin").get().uri("/api/queue/worker/status").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.running").isEqualTo(true)
                    .jsonPath("$.processing").isEqualTo(true)
                    .jsonPath("$.workers[?(@.id == '" + idle + "')].state").isEqualTo("paused")
                    .jsonPath("$.workers[?(@.id == '" + idle + "')].processed").isEqualTo(12)
                    .jsonPath("$.workers[?(@.id == '" + busy + "')].currentJob").isEqualTo("job-1")
                    .jsonPath("$.workers[?(@.id == '" + busy + "')].kind").isEqualTo("vision");
        } finally {
            redis.delete(keys.worker(idle), keys.worker(busy)).block(WAIT);
        }
    }

    @Test
    void onlyAdminPausesAndResumesAndEveryWorkerHearsIt() {
        Queue control = new Queue("qs-test-control-" + UUID.randomUUID(), false, false, false);
        admin.declareQueue(control);
        admin.declareBinding(BindingBuilder.bind(control).to(new FanoutExchange(Topology.CONTROL_EXCHANGE)));
        try {
            as("alice", "user").post().uri("/api/queue/worker/stop").exchange()
                    .expectStatus().isForbidden()
                    .expectBody().jsonPath("$.error").isEqualTo("forbidden");
            assertThat(redis.hasKey(keys.paused()).block(WAIT)).isFalse();

            as("root", "admin").post().uri("/api/queue/worker/stop").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.success").isEqualTo(true).jsonPath("$.message").isNotEmpty();
            assertThat(redis.opsForValue().get(keys.paused()).block(WAIT)).isEqualTo("1");
            ControlCommand pause = receiveControl(control.getName());
            assertThat(pause.action()).isEqualTo(ControlCommand.Action.PAUSE);
            assertThat(pause.requestedBy()).isEqualTo("root");

            as("root", "admin").post().uri("/api/queue/worker/start").exchange().expectStatus().isOk();
            assertThat(redis.hasKey(keys.paused()).block(WAIT)).isFalse();
            assertThat(receiveControl(control.getName()).action()).isEqualTo(ControlCommand.Action.RESUME);
        } finally {
            admin.deleteQueue(control.getName());
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private WebTestClient as(String owner, String role) {
        return dev.mediaflow.queue.support.SignedCalls.as(http, owner, role);
    }

    private void apply(JobEvent... events) {
        for (JobEvent event : events) {
            applier.apply(event).block(WAIT);
        }
    }

    private static String uniqueOwner() {
        return "owner-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void heartbeat(String workerId, Map<String, String> fields) {
        redis.<String, String>opsForHash().putAll(keys.worker(workerId), fields).block(WAIT);
    }

    /** Other tests publish to the same queue too: skip their messages. */
    private Message receiveTaskOf(WorkerKind kind, UUID jobId) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            Message message = rabbit.receive(kind.queue(), 1000);
            if (message != null && Json.read(message.getBody(), TaskMessage.class).jobId().equals(jobId)) {
                return message;
            }
        }
        throw new AssertionError("no " + kind.json() + " task for job " + jobId);
    }

    private ControlCommand receiveControl(String queue) {
        Message message = rabbit.receive(queue, 10_000);
        assertThat(message).as("a control command on " + queue).isNotNull();
        return Json.read(message.getBody(), ControlCommand.class);
    }
}
