package dev.mediaflow.queue.job;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.WorkerKind;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The jobs table: one queue item. */
public record JobRow(
        UUID id,
        UUID mediaItemId,
        String owner,
        JobStatus status,
        int run,
        int priority,
        int attempts,
        int maxAttempts,
        String lastError,
        List<Operation> operations,
        String projectId,
        String batchId,
        Instant queuedAt,
        Instant startedAt,
        Instant completedAt,
        Long durationMs) {

    public Set<WorkerKind> expectedWorkers() {
        return Operation.workersFor(operations);
    }

    public JobRow withStatus(JobStatus newStatus) {
        return new JobRow(id, mediaItemId, owner, newStatus, run, priority, attempts, maxAttempts, lastError,
                operations, projectId, batchId, queuedAt, startedAt, completedAt, durationMs);
    }

    public JobRow cancelledAt(Instant at) {
        Long duration = startedAt == null ? null : Math.max(0, at.toEpochMilli() - startedAt.toEpochMilli());
        return new JobRow(id, mediaItemId, owner, JobStatus.CANCELLED, run, priority, attempts, maxAttempts, lastError,
                operations, projectId, batchId, queuedAt, startedAt, at, duration);
    }

    /** An explicit retry: a new run, back to queued with attempts and error cleared. */
    public JobRow nextRun() {
        return new JobRow(id, mediaItemId, owner, JobStatus.QUEUED, run + 1, priority, 0, maxAttempts, null,
                operations, projectId, batchId, queuedAt, null, null, null);
    }
}
