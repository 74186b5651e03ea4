package dev.mediaflow.messages;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A status event. {@code job.submitted} carries {@link #submission}; task events carry the
 * worker kind, run, attempt and what metrics need (worker id, duration, error, results).
 *
 * @param eventId  unique per event, for tracing duplicates
 * @param progress 0..100 for {@code task.progress}
 */
public record JobEvent(
        UUID eventId,
        EventType type,
        UUID jobId,
        UUID mediaItemId,
        String owner,
        WorkerKind worker,
        int run,
        int attempt,
        int maxAttempts,
        Instant at,
        String workerId,
        Integer progress,
        String error,
        Long durationMs,
        Map<String, VariantResult> results,
        JobSubmission submission) {

    public static JobEvent submitted(JobSubmission s) {
        return new JobEvent(UUID.randomUUID(), EventType.JOB_SUBMITTED, s.jobId(), s.mediaItemId(), s.owner(),
                null, s.run(), 0, s.maxAttempts(), s.createdAt(), null, null, null, null, null, s);
    }

    public static JobEvent forTask(EventType type, TaskMessage task, String workerId) {
        return new JobEvent(UUID.randomUUID(), type, task.jobId(), task.mediaItemId(), task.owner(), task.worker(),
                task.run(), task.attempt(), task.maxAttempts(), Instant.now(), workerId, null, null, null, null, null);
    }

    public JobEvent withProgress(int percent) {
        return new JobEvent(eventId, type, jobId, mediaItemId, owner, worker, run, attempt, maxAttempts, at,
                workerId, percent, error, durationMs, results, submission);
    }

    public JobEvent withError(String message) {
        return new JobEvent(eventId, type, jobId, mediaItemId, owner, worker, run, attempt, maxAttempts, at,
                workerId, progress, message, durationMs, results, submission);
    }

    public JobEvent withOutcome(Long duration, Map<String, VariantResult> outputs) {
        return new JobEvent(eventId, type, jobId, mediaItemId, owner, worker, run, attempt, maxAttempts, at,
                workerId, progress, error, duration, outputs, submission);
    }

    public String routingKey() {
        return type.routingKey();
    }
}
