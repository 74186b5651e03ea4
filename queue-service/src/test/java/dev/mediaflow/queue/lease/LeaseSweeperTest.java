package dev.mediaflow.queue.lease;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.Rows;
import dev.mediaflow.queue.support.TaskQueues;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, defect 6: nothing noticed a job that never finishes. With short leases, a silent task
 * is published again with its next attempt, and after its last attempt it is dead with an error
 * that names the lease (attempts_log outcome {@code lost}); a worker heartbeat naming the job keeps
 * it alive. The context is closed afterwards so that its short leases touch no other test.
 */
@TestPropertySource(properties = {
        "mediaflow.task-lease=2s",
        "mediaflow.queued-lease=2s",
        "mediaflow.lease-sweep-interval=200ms"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class LeaseSweeperTest extends ApiTest {

    private static final Duration LONG_WAIT = Duration.ofSeconds(30);

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void aStartedTaskThatFallsSilentIsPublishedAgainThenDeadWithAnErrorNamingTheLease() {
        double expired = meters.get("mediaflow.lease.expired").counter().count();
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 2);
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1));

        TaskMessage again = TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, e.jobId);
        assertThat(again.run()).isEqualTo(1);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.inputPath()).isEqualTo(e.submission().inputPath());

        await().atMost(LONG_WAIT).until(() -> "failed".equals(Rows.of(db, e.jobId, e.mediaItemId).job().get("status")));
        Rows rows = Rows.of(db, e.jobId, e.mediaItemId);
        assertThat((String) rows.job().get("last_error")).contains("lease expired").contains("attempt 2 of 2");
        assertThat(rows.tasks()).singleElement().satisfies(t -> assertThat(t)
                .containsEntry("status", "dead").containsEntry("attempt", 2));

        List<Map<String, Object>> log = attemptsLog(e);
        assertThat(log).extracting(a -> a.get("attempt") + ":" + a.get("outcome")).containsExactly("1:lost", "2:lost");
        assertThat(meters.get("mediaflow.lease.expired").counter().count()).as("two leases expired")
                .isGreaterThanOrEqualTo(expired + 2);
        assertThat(log.get(0).get("started_at")).isEqualTo("2026-01-10T12:00:01Z");
        assertThat(log).allSatisfy(a -> {
            assertThat((String) a.get("error")).contains("lease expired");
            assertThat(a.get("ended_at")).isNotNull();
        });
        as("admin", "admin").get().uri("/api/queue/dead?limit=1000").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items[?(@.queueId == '" + e.jobId + "')].error")
                .value(errors -> assertThat(errors.toString()).contains("lease expired"));
    }

    @Test
    void aTaskWhoseMessageNeverShowsIsPublishedAgainAndTheNewCopysSuccessCompletesTheJob() {
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 3);
        apply(e.submitted());

        TaskMessage again = TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, e.jobId);
        assertThat(again.attempt()).isEqualTo(2);
        apply(e.started(WorkerKind.IMAGE, 2, 10), e.imageSucceeded(1, 2, 11));

        Rows rows = Rows.of(db, e.jobId, e.mediaItemId);
        assertThat(rows.job()).containsEntry("status", "completed");
        assertThat(attemptsLog(e)).extracting(a -> a.get("attempt") + ":" + a.get("outcome"))
                .containsExactly("1:lost", "2:succeeded");
        // a completed job is left alone
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> Rows.of(db, e.jobId, e.mediaItemId).equals(rows));
    }

    @Test
    void aWorkerHeartbeatNamingTheJobKeepsItsTaskAliveUntilItStops() {
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 3);
        String worker = keys.worker("lease-test-" + UUID.randomUUID());
        redis.<String, String>opsForHash().putAll(worker, Map.of("id", worker, "kind", "image", "state", "running",
                "currentJob", e.jobId.toString(), "processed", "0", "failed", "0",
                "lastHeartbeat", Instant.now().toString())).block(WAIT);
        redis.expire(worker, Duration.ofMinutes(1)).block(WAIT);
        try {
            apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1));
            // more than twice the lease: still attempt 1, nothing lost
            await().during(Duration.ofMillis(4500)).atMost(Duration.ofSeconds(9)).until(() ->
                    Rows.of(db, e.jobId, e.mediaItemId).tasks().get(0).get("status").equals("started"));
            assertThat(attemptsLog(e)).extracting(a -> a.get("outcome")).containsOnly((Object) null);
        } finally {
            redis.delete(worker).block(WAIT);
        }
        TaskMessage again = TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, e.jobId);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(attemptsLog(e)).extracting(a -> a.get("attempt") + ":" + a.get("outcome")).contains("1:lost");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> attemptsLog(Events e) {
        Map<String, Object> item = as(e.owner, "user").get().uri("/api/queue/items/{id}", e.jobId).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return (List<Map<String, Object>>) item.get("attempts_log");
    }
}
