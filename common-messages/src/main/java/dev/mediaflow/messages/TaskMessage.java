package dev.mediaflow.messages;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One unit of work for one worker kind. Paths are relative to {@code MEDIAFLOW_STORAGE_ROOT}, so
 * the gateway and the workers may mount the storage at different places; a worker refuses a path
 * that leaves the root.
 *
 * @param run       bumped by every explicit retry of the job; events of an older run are ignored
 * @param attempt   1-based attempt within the run
 */
public record TaskMessage(
        UUID jobId,
        UUID mediaItemId,
        String owner,
        MediaType mediaType,
        WorkerKind worker,
        String inputPath,
        String outputDir,
        List<Operation> operations,
        int priority,
        int run,
        int attempt,
        int maxAttempts,
        String sha256,
        Instant createdAt) {

    public TaskMessage nextAttempt() {
        return new TaskMessage(jobId, mediaItemId, owner, mediaType, worker, inputPath, outputDir, operations,
                priority, run, attempt + 1, maxAttempts, sha256, createdAt);
    }

    public boolean lastAttempt() {
        return attempt >= maxAttempts;
    }
}
