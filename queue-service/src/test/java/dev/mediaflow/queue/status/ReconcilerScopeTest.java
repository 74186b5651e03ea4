package dev.mediaflow.queue.status;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a reconciler pass looks at ({@code JobStore.versionsToReconcile}, by the status and updated_at indexes): every
 * unfinished job, however old, and every job changed within {@code MEDIAFLOW_STATUS_RECONCILE_WINDOW} (10 min);
 * not a finished job changed before it. Each has lost its Redis snapshot; the pass restores exactly the first two.
 */
class ReconcilerScopeTest extends ApiTest {

    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    DatabaseClient db;
    @Autowired
    StatusReconciler reconciler;

    /**
     * The scheduled passes (every 15 s in the shared context) stop for the test: one that read the jobs while the old
     * ones were still recent, and looked at Redis after their snapshots were deleted, restored an old finished job.
     */
    @BeforeEach
    void pauseScheduledPasses() {
        reconciler.stop();
    }

    @AfterEach
    void resumeScheduledPasses() {
        reconciler.start();
    }

    @Test
    void aPassRestoresUnfinishedAndRecentJobsAndLeavesOldFinishedOnes() {
        Events oldQueued = events();
        Events oldCompleted = events();
        Events recentCompleted = events();
        apply(oldQueued.submitted());
        for (Events e : List.of(oldCompleted, recentCompleted)) {
            apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.imageSucceeded(1, 1, 2));
        }
        for (Events e : List.of(oldQueued, oldCompleted)) {
            db.sql("UPDATE jobs SET updated_at = now() - interval '1 hour' WHERE id = :id").bind("id", e.jobId)
                    .fetch().rowsUpdated().block(WAIT);
        }
        for (Events e : List.of(oldQueued, oldCompleted, recentCompleted)) {
            redis.delete(keys.job(e.jobId)).block(WAIT);
        }

        reconciler.reconcile().block(WAIT);

        assertThat(status(oldQueued.jobId)).as("unfinished, however old").isEqualTo("queued");
        assertThat(status(recentCompleted.jobId)).as("changed within the window").isEqualTo("completed");
        assertThat(redis.hasKey(keys.job(oldCompleted.jobId)).block(WAIT))
                .as("finished before the window: not looked at").isFalse();
    }

    private Events events() {
        return new Events(unique("scope"), List.of(Operation.THUMBNAIL), 3);
    }

    private String status(UUID jobId) {
        return redis.<String, String>opsForHash().get(keys.job(jobId), "status").block(WAIT);
    }
}
