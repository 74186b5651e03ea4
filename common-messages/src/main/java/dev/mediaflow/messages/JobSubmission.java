package dev.mediaflow.messages;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Everything the queue service records about a new job; carried by {@code job.submitted}.
 *
 * @param correlationId the {@link CorrelationId} of the request that created the job, or null (a job
 *                      spooled before ids existed). Part of the record, not only a message header,
 *                      because the gateway's spool may publish the job long after the request, and
 *                      queue-service sends it with every later task of the job.
 */
public record JobSubmission(
        UUID jobId,
        UUID mediaItemId,
        String owner,
        String originalFilename,
        MediaType mediaType,
        long fileSize,
        String sha256,
        String inputPath,
        String outputDir,
        List<Operation> operations,
        int priority,
        int maxAttempts,
        String projectId,
        String batchId,
        int run,
        Instant createdAt,
        String correlationId) {

    public TaskMessage taskFor(WorkerKind worker) {
        return new TaskMessage(jobId, mediaItemId, owner, mediaType, worker, inputPath, outputDir,
                Operation.forWorker(operations, worker), priority, run, 1, maxAttempts, sha256, createdAt);
    }

    public List<TaskMessage> tasks() {
        return Operation.workersFor(operations).stream().map(this::taskFor).toList();
    }
}
