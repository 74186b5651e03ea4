package dev.mediaflow.messages;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything the queue service records about a new job; carried by {@code job.submitted}.
 *
 * @param correlationId the {@link CorrelationId} of the request that created the job, or null (a job
 *                      spooled before ids existed). Part of the record, not only a message header,
 *                      because the gateway's spool may publish the job long after the request, and
 *                      queue-service sends it with every later task of the job.
 * @param duplicateOf   set when the upload repeats a completed media item of the same owner (same bytes, same
 *                      operations): this job reuses that item's results, already linked into its own output
 *                      folder by the gateway, so it has no tasks and is recorded as completed at once. Null for
 *                      every other job, and in spool files written before dedup existed.
 * @param reusedResults the results this duplicate reuses, by operation name (width, height, bytes, model of
 *                      the earlier item's files); null unless {@code duplicateOf} is set
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
        String correlationId,
        UUID duplicateOf,
        Map<String, VariantResult> reusedResults) {

    @JsonCreator
    public JobSubmission {
        reusedResults = reusedResults == null ? null : Map.copyOf(reusedResults);
    }

    /** A job to be processed (not a duplicate). */
    public JobSubmission(UUID jobId, UUID mediaItemId, String owner, String originalFilename, MediaType mediaType,
                         long fileSize, String sha256, String inputPath, String outputDir, List<Operation> operations,
                         int priority, int maxAttempts, String projectId, String batchId, int run, Instant createdAt,
                         String correlationId) {
        this(jobId, mediaItemId, owner, originalFilename, mediaType, fileSize, sha256, inputPath, outputDir,
                operations, priority, maxAttempts, projectId, batchId, run, createdAt, correlationId, null, null);
    }

    /** This job as a duplicate of {@code earlier}, reusing {@code results} instead of being processed. */
    public JobSubmission asDuplicateOf(UUID earlier, Map<String, VariantResult> results) {
        return new JobSubmission(jobId, mediaItemId, owner, originalFilename, mediaType, fileSize, sha256, inputPath,
                outputDir, operations, priority, maxAttempts, projectId, batchId, run, createdAt, correlationId,
                earlier, results);
    }

    @JsonIgnore
    public boolean isDuplicate() {
        return duplicateOf != null;
    }

    public TaskMessage taskFor(WorkerKind worker) {
        return new TaskMessage(jobId, mediaItemId, owner, mediaType, worker, inputPath, outputDir,
                Operation.forWorker(operations, worker), priority, run, 1, maxAttempts, sha256, createdAt);
    }

    /** One task per worker kind the operations need; none for a duplicate, which nothing processes. */
    public List<TaskMessage> tasks() {
        if (isDuplicate()) {
            return List.of();
        }
        return Operation.workersFor(operations).stream().map(this::taskFor).toList();
    }
}
