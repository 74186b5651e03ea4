package dev.mediaflow.queue.meters;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.backlog.BacklogGauges;
import dev.mediaflow.queue.status.StatusReconciler;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.Stories;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Status events applied to the real PostgreSQL and Redis move the queue-service meters: final states with their
 * durations and waits (from the events' own times), cancels, the reconciler's repairs and the backlog gauges. The
 * periodic passes are off, so only what a test does moves a meter.
 */
@TestPropertySource(properties = {
        "mediaflow.status-reconcile-interval=0s",
        "mediaflow.lease-sweep-interval=1h",
        "mediaflow.gauge-refresh-interval=1h"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class QueueMetersTest extends ApiTest {

    @Autowired
    MeterRegistry meters;
    @Autowired
    StatusReconciler reconciler;
    @Autowired
    BacklogGauges backlog;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    DatabaseClient db;

    @Test
    void aCompletedAndAFailedJobAreCountedOnceWithTheTimesTheirEventsTell() {
        double completed = finals("completed");
        double failed = finals("failed");
        Timer completedTime = meters.get("mediaflow.job.duration").tag("status", "completed").timer();
        long completedTimes = completedTime.count();
        double completedSeconds = completedTime.totalTime(TimeUnit.SECONDS);
        Timer imageWait = meters.get("mediaflow.job.wait").tag("kind", "image").timer();
        Timer visionWait = meters.get("mediaflow.job.wait").tag("kind", "vision").timer();
        long imageWaits = imageWait.count();
        double visionWaitSeconds = visionWait.totalTime(TimeUnit.SECONDS);

        Events done = Events.allOperations(unique("owner"));
        apply(Stories.completed(done));
        // the whole history again, as redeliveries would bring it: nothing is counted twice
        apply(Stories.completed(done));
        apply(Stories.failed(new Events(unique("owner"), List.of(Operation.THUMBNAIL, Operation.DEPTH), 2)));

        assertThat(finals("completed")).isEqualTo(completed + 1);
        assertThat(finals("failed")).isEqualTo(failed + 1);
        // uploaded at T0, vision succeeded at T0 + 20 s: the last task's end
        assertThat(completedTime.count()).isEqualTo(completedTimes + 1);
        assertThat(completedTime.totalTime(TimeUnit.SECONDS)).isCloseTo(completedSeconds + 20, within(0.001));
        // the image task first started at T0 + 1 s in both jobs, the vision task at T0 + 2 s and T0 + 1 s
        assertThat(imageWait.count()).isEqualTo(imageWaits + 2);
        assertThat(visionWait.totalTime(TimeUnit.SECONDS)).isCloseTo(visionWaitSeconds + 3, within(0.001));
        for (Meter meter : meters.find("mediaflow.jobs.final").meters()) {
            assertThat(meter.getId().getTag("application")).isEqualTo("queue-service");
        }
    }

    @Test
    void aCancelIsAFinalStateAndTheEventsAreCounted() {
        double cancelled = finals("cancelled");
        double applied = meters.get("mediaflow.events").tag("outcome", "applied").counter().count();
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 3);
        apply(e.submitted());

        as(e.owner, "user").post().uri("/api/queue/items/{id}/cancel", e.jobId).exchange().expectStatus().isOk();
        as(e.owner, "user").post().uri("/api/queue/items/{id}/cancel", e.jobId).exchange().expectStatus()
                .isEqualTo(409);

        assertThat(finals("cancelled")).isEqualTo(cancelled + 1);
        assertThat(meters.get("mediaflow.job.duration").tag("status", "cancelled").timer().count()).isPositive();
        assertThat(meters.get("mediaflow.events").tag("outcome", "applied").counter().count())
                .as("applied here directly, not consumed: the listener counts").isEqualTo(applied);
    }

    @Test
    void aJobWhoseRedisStatusWasLostIsRepairedAndCounted() {
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 3);
        apply(e.submitted());
        double repairs = meters.get("mediaflow.reconciler.repairs").counter().count();

        redis.delete(keys.job(e.jobId)).block(WAIT);
        Long repaired = reconciler.reconcile().block(WAIT);

        assertThat(repaired).isPositive();
        assertThat(meters.get("mediaflow.reconciler.repairs").counter().count()).isEqualTo(repairs + repaired);
        assertThat(redis.hasKey(keys.job(e.jobId)).block(WAIT)).isTrue();
    }

    @Test
    void theBacklogGaugesFollowQueuedJobsSilentTasksAndHeartbeats() {
        Events waiting = new Events(unique("owner"), List.of(Operation.THUMBNAIL, Operation.DEPTH), 3);
        apply(waiting.submitted());
        // a queued job nobody took for three hours: past the default 2 h queued lease
        db.sql("UPDATE jobs SET updated_at = now() - interval '3 hours' WHERE id = :id").bind("id", waiting.jobId)
                .fetch().rowsUpdated().block(WAIT);
        String worker = keys.worker(unique("vision-meters"));
        redis.opsForHash().putAll(worker, Map.of("id", "w", "kind", "vision", "state", "running", "currentJob", "",
                "processed", "0", "failed", "0", "lastHeartbeat", java.time.Instant.now().toString()))
                .then(redis.expire(worker, Duration.ofMinutes(1))).block(WAIT);

        backlog.refresh().block(WAIT);

        assertThat(gauge("mediaflow.oldest.queued.job.age"))
                .as("queued since T0, months ago").isGreaterThan(Duration.ofDays(30).toSeconds());
        assertThat(gauge("mediaflow.jobs.past.lease")).isGreaterThanOrEqualTo(1);
        double alive = meters.get("mediaflow.workers.alive").tag("kind", "vision").gauge().value();
        assertThat(alive).isGreaterThanOrEqualTo(1);

        redis.delete(worker).block(WAIT);
        as(waiting.owner, "user").post().uri("/api/queue/items/{id}/cancel", waiting.jobId).exchange()
                .expectStatus().isOk();
        double pastLease = gauge("mediaflow.jobs.past.lease");
        backlog.refresh().block(WAIT);

        assertThat(meters.get("mediaflow.workers.alive").tag("kind", "vision").gauge().value()).isEqualTo(alive - 1);
        assertThat(gauge("mediaflow.jobs.past.lease")).isEqualTo(pastLease - 1);
    }

    private double finals(String status) {
        return meters.get("mediaflow.jobs.final").tag("status", status).counter().count();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }
}
