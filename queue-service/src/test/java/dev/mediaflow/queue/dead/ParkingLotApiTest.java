package dev.mediaflow.queue.dead;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.Rows;
import dev.mediaflow.queue.support.Stories;
import dev.mediaflow.queue.support.TaskQueues;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/api.md: {@code GET /api/queue/dead} and {@code POST /api/queue/dead/replay}. */
class ParkingLotApiTest extends ApiTest {

    @Autowired
    DatabaseClient db;
    @Autowired
    RabbitTemplate rabbit;

    @Test
    void adminSeesTheDeadTaskAndAReplayRunsOnlyItAgainAsANewRunThatCompletes() {
        Events e = new Events(unique("owner"), Operation.standard(), 2);
        apply(Stories.failed(e));

        Map<String, Object> parked = deadItem(e.jobId);
        assertThat(parked).containsOnlyKeys("queueId", "kind", "attempts", "error", "dead_at")
                .containsEntry("kind", "image").containsEntry("attempts", 2)
                .containsEntry("error", "out of memory again").containsEntry("dead_at", "2026-01-10T12:00:09Z");

        as("admin", "admin").post().uri("/api/queue/dead/replay")
                .bodyValue(Map.of("queueIds", List.of(e.jobId.toString(), e.jobId.toString())))
                .exchange()
                .expectStatus().isOk()
                .expectBody().json("{\"success\":true,\"replayedCount\":1}", true);

        Rows rows = Rows.of(db, e.jobId, e.mediaItemId);
        assertThat(rows.job()).containsEntry("status", "queued").containsEntry("run", 2)
                .containsEntry("attempts", 0).containsEntry("last_error", null);
        assertThat(rows.tasks()).extracting(t -> t.get("worker") + ":" + t.get("run") + ":" + t.get("status"))
                .containsExactly("image:2:queued", "vision:2:succeeded");
        assertThat(deadItemOrNull(e.jobId)).isNull();

        TaskMessage again = TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, e.jobId);
        assertThat(again.run()).isEqualTo(2);
        assertThat(again.attempt()).isEqualTo(1);
        apply(e.task(dev.mediaflow.messages.EventType.TASK_STARTED, WorkerKind.IMAGE, 2, 1, 30),
                e.imageSucceeded(2, 1, 31));
        as(e.owner, "user").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("completed")
                .jsonPath("$.results.depth.width").isEqualTo(1024)
                .jsonPath("$.results.thumbnail.width").isEqualTo(320);
    }

    @Test
    void replayAllSendsEveryParkedJobBack() {
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 1);
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.dead(WorkerKind.IMAGE, 1, "corrupt", 2));
        assertThat(deadItem(e.jobId)).containsEntry("attempts", 1);

        Map<String, Object> body = as("admin", "admin").post().uri("/api/queue/dead/replay")
                .bodyValue(Map.of("all", true))
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).containsEntry("success", true);
        assertThat(((Number) body.get("replayedCount")).longValue()).isGreaterThanOrEqualTo(1);
        assertThat(Rows.of(db, e.jobId, e.mediaItemId).job()).containsEntry("status", "queued").containsEntry("run", 2);
        assertThat(as("admin", "admin").get().uri("/api/queue/dead").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody()).containsEntry("count", 0);
    }

    @Test
    void onlyAdminAndBadRequestsChangeNothing() {
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 1);
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.dead(WorkerKind.IMAGE, 1, "corrupt", 2));
        Events done = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 1);
        apply(done.submitted(), done.imageSucceeded(1, 1, 2));

        as(e.owner, "user").get().uri("/api/queue/dead").exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("forbidden");
        as(e.owner, "user").post().uri("/api/queue/dead/replay").bodyValue(Map.of("queueIds", List.of(e.jobId.toString())))
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("forbidden");

        // one unknown (or not parked) id among good ones: 404, and nothing is replayed
        for (UUID notParked : List.of(UUID.randomUUID(), done.jobId)) {
            as("admin", "admin").post().uri("/api/queue/dead/replay")
                    .bodyValue(Map.of("queueIds", List.of(e.jobId.toString(), notParked.toString())))
                    .exchange()
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.error").isEqualTo("not_found")
                    .jsonPath("$.message").value(m -> assertThat((String) m).contains(notParked.toString()));
        }
        for (String bad : List.of("{}", "{\"queueIds\":[]}", "{\"queueIds\":[\"nope\"]}", "{\"all\":false}",
                "{\"queueIds\":[\"" + e.jobId + "\"],\"all\":true}", "{\"queueIds\":[null]}", "{\"queueIds\":\"x\"}",
                "{\"all\":", "[1]", "")) {
            as("admin", "admin").post().uri("/api/queue/dead/replay").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(bad)
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request").jsonPath("$.message").isNotEmpty();
        }
        for (String query : List.of("limit=0", "limit=abc", "offset=-1", "limit=1001")) {
            as("admin", "admin").get().uri("/api/queue/dead?" + query).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("bad_request");
        }
        assertThat(Rows.of(db, e.jobId, e.mediaItemId).job()).containsEntry("status", "failed").containsEntry("run", 1);
        assertThat(deadItem(e.jobId)).containsEntry("error", "corrupt");
    }

    private Map<String, Object> deadItem(UUID jobId) {
        Map<String, Object> item = deadItemOrNull(jobId);
        assertThat(item).as("parked task of job %s", jobId).isNotNull();
        return item;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> deadItemOrNull(UUID jobId) {
        Map<String, Object> body = as("admin", "admin").get().uri("/api/queue/dead?limit=1000").exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).containsOnlyKeys("count", "items");
        List<Map<String, Object>> items = (List<Map<String, Object>>) body.get("items");
        assertThat(((Number) body.get("count")).longValue()).isGreaterThanOrEqualTo(items.size());
        return items.stream().filter(i -> jobId.toString().equals(i.get("queueId"))).findFirst().orElse(null);
    }
}
