package dev.mediaflow.queue.lease;

import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the lease sweeper and the past-lease gauge read: only the unfinished jobs that may have a task past its
 * lease, with all their expected tasks, so that a backlog younger than its leases costs no reads at all.
 */
class SilentTasksTest extends ApiTest {

    @Autowired
    SilentTasks silentTasks;
    @Autowired
    DatabaseClient db;
    @Autowired
    MediaflowProperties properties;
    @Autowired
    Clock clock;
    @Autowired
    LeaseSweeper sweeper;

    /** No scheduled sweep may expire this test's old tasks between their update and the read. */
    @BeforeEach
    void stopScheduledSweeps() {
        sweeper.stop();
    }

    @AfterEach
    void startScheduledSweeps() {
        sweeper.start();
    }

    @Test
    void onlyJobsThatMayHaveATaskPastItsLeaseAreRead() {
        Events fresh = Events.allOperations(unique("owner"));
        Events waitedLong = Events.allOperations(unique("owner"));
        Events startedLongAgo = Events.allOperations(unique("owner"));
        apply(fresh.submitted(), waitedLong.submitted(), startedLongAgo.submitted(),
                startedLongAgo.started(WorkerKind.IMAGE, 1, 1));
        Instant now = clock.instant();
        jobUpdatedAt(fresh.jobId, now.minusSeconds(60));
        // queued (no task row yet) for longer than the queued lease
        jobUpdatedAt(waitedLong.jobId, now.minus(properties.queuedLease()).minusSeconds(60));
        // its job changed lately, but its image task went quiet longer than the task lease ago
        jobUpdatedAt(startedLongAgo.jobId, now.minusSeconds(60));
        db.sql("UPDATE tasks SET updated_at = :at WHERE job_id = :id AND worker = 'image'")
                .bind("at", now.minus(properties.taskLease()).minusSeconds(60)).bind("id", startedLongAgo.jobId)
                .fetch().rowsUpdated().block(WAIT);

        List<SilentTask> read = silentTasks.mayBePastLease(now).collectList().block(WAIT);

        assertThat(read).extracting(SilentTask::jobId).doesNotContain(fresh.jobId)
                .contains(waitedLong.jobId, startedLongAgo.jobId);
        assertThat(read).filteredOn(t -> t.jobId().equals(startedLongAgo.jobId)).extracting(SilentTask::worker)
                .as("all the expected tasks of a job that is read").containsExactlyInAnyOrder(WorkerKind.IMAGE,
                        WorkerKind.VISION);
        assertThat(read).filteredOn(t -> t.pastLease(now, properties.taskLease(), properties.queuedLease(),
                        properties.retryDelayList()))
                .filteredOn(t -> List.of(waitedLong.jobId, startedLongAgo.jobId).contains(t.jobId()))
                .extracting(t -> t.jobId() + " " + t.worker())
                .containsExactlyInAnyOrder(waitedLong.jobId + " IMAGE", waitedLong.jobId + " VISION",
                        startedLongAgo.jobId + " IMAGE");
        // what the sweeper and the gauge get: only those
        assertThat(silentTasks.pastLease(now).collectList().block(WAIT))
                .filteredOn(t -> List.of(fresh.jobId, waitedLong.jobId, startedLongAgo.jobId).contains(t.jobId()))
                .extracting(t -> t.jobId() + " " + t.worker())
                .containsExactlyInAnyOrder(waitedLong.jobId + " IMAGE", waitedLong.jobId + " VISION",
                        startedLongAgo.jobId + " IMAGE");
    }

    private void jobUpdatedAt(UUID jobId, Instant at) {
        db.sql("UPDATE jobs SET updated_at = :at WHERE id = :id").bind("at", at).bind("id", jobId)
                .fetch().rowsUpdated().block(WAIT);
    }
}
