package dev.mediaflow.queue.job;

import dev.mediaflow.messages.WorkerKind;

import java.time.Instant;
import java.util.UUID;

/** The tasks table: one (job, worker kind) in its current run. */
public record TaskRow(
        UUID jobId,
        WorkerKind worker,
        int run,
        int attempt,
        TaskStatus status,
        int progress,
        String lastError,
        int errorRank,
        String workerId,
        Instant startedAt,
        Instant finishedAt,
        Long durationMs) {

    public static TaskRow fresh(UUID jobId, WorkerKind worker, int run) {
        return new TaskRow(jobId, worker, run, 0, TaskStatus.QUEUED, 0, null, 0, null, null, null, null);
    }
}
