package dev.mediaflow.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/queue/status/{queueId}}: one queue item in the shape of the job status of the batch-queue
 * system this API grew from (seed 002), for clients written against that. Every key is present; absent values
 * are null. Built from the {@link QueueItem}, so both answers always agree.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SeedJobStatus(boolean success, Job job) {

    /** Every job processes one media item. */
    public static final String TYPE = "process_media";

    public static SeedJobStatus of(QueueItem item) {
        return new SeedJobStatus(true, new Job(item.id(), TYPE, item.status(), item.priority(),
                new Data(item.mediaItemId(), item.originalFilename(), item.mediaType(), item.operations(),
                        item.projectId(), item.batchId()),
                item.attempts(), item.maxAttempts(), item.queuedAt(), item.startedAt(), item.completedAt(),
                item.lastError()));
    }

    /** @param createdAt when the job was queued; {@code error} is its last error */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"id", "type", "status", "priority", "data", "attempts", "maxAttempts", "createdAt",
            "startedAt", "completedAt", "error"})
    public record Job(UUID id, String type, String status, int priority, Data data, int attempts, int maxAttempts,
                      Instant createdAt, Instant startedAt, Instant completedAt, String error) {
    }

    /** What the job works on. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Data(UUID mediaItemId, String filename, String mediaType, List<String> operations,
                       String projectId, String batchId) {
    }
}
