package dev.mediaflow.queue.lease;

import dev.mediaflow.messages.TopologyDeclarations;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.job.TaskStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One expected task of an unfinished job, with its last sign of life: the last change of its row
 * (an event, a heartbeat renewal, a reset), or of its job when no event came yet.
 *
 * @param status  null when no event of the current run arrived yet (its message is still queued)
 */
public record SilentTask(UUID jobId, WorkerKind worker, int run, int maxAttempts, TaskStatus status, int attempt,
                         Instant since) {

    /** How long this task may stay silent: long while queued, a retry delay more while it waits for one. */
    public Duration lease(Duration taskLease, Duration queuedLease, List<Duration> retryDelays) {
        if (status == null || status == TaskStatus.QUEUED) {
            return queuedLease;
        }
        if (status == TaskStatus.RETRYING) {
            return TopologyDeclarations.delayAfter(retryDelays, attempt).plus(taskLease);
        }
        return taskLease;
    }

    /** Silent for longer than its lease at {@code now}: the lease sweeper's rule, also behind a gauge. */
    public boolean pastLease(Instant now, Duration taskLease, Duration queuedLease, List<Duration> retryDelays) {
        return since != null && !since.plus(lease(taskLease, queuedLease, retryDelays)).isAfter(now);
    }

    /** The attempt that never showed up or went quiet. */
    public int lostAttempt() {
        if (status == null || status == TaskStatus.QUEUED) {
            return Math.max(attempt, 1);
        }
        return status == TaskStatus.RETRYING ? attempt + 1 : attempt;
    }

    public boolean sameState(SilentTask other) {
        return other != null && other.run == run && other.status == status && other.attempt == attempt
                && other.since.equals(since);
    }
}
