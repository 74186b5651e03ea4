package dev.mediaflow.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A queue item exactly as docs/api.md lists it; absent values are null, never missing.
 * queue-service serves it from its record; the gateway builds one from a submission it still holds.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "media_item_id", "status", "priority", "attempts", "max_attempts", "last_error", "queued_at",
        "started_at", "completed_at", "duration_ms", "original_filename", "media_type", "file_size", "sha256",
        "operations", "project_id", "batch_id", "results", "attempts_log"})
public record QueueItem(
        UUID id,
        @JsonProperty("media_item_id") UUID mediaItemId,
        String status,
        int priority,
        int attempts,
        @JsonProperty("max_attempts") int maxAttempts,
        @JsonProperty("last_error") String lastError,
        @JsonProperty("queued_at") Instant queuedAt,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("completed_at") Instant completedAt,
        @JsonProperty("duration_ms") Long durationMs,
        @JsonProperty("original_filename") String originalFilename,
        @JsonProperty("media_type") String mediaType,
        @JsonProperty("file_size") long fileSize,
        String sha256,
        List<String> operations,
        @JsonProperty("project_id") String projectId,
        @JsonProperty("batch_id") String batchId,
        Map<String, Result> results,
        @JsonProperty("attempts_log") List<Attempt> attemptsLog) {

    /**
     * A job this gateway accepted but queue-service has not recorded yet: nothing has run. A duplicate
     * ({@link JobSubmission#duplicateOf()}) is completed from the start, with the results it reuses.
     */
    public static QueueItem fromSubmission(JobSubmission s, String status) {
        Map<String, Result> results = new LinkedHashMap<>();
        if (s.isDuplicate() && s.reusedResults() != null) {
            s.reusedResults().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(r -> results.put(
                    r.getKey(), Result.of(s.mediaItemId(), r.getKey(), r.getValue())));
        }
        return new QueueItem(s.jobId(), s.mediaItemId(), s.isDuplicate() ? "completed" : status, s.priority(), 0,
                s.maxAttempts(), null, s.createdAt(), null, s.isDuplicate() ? s.createdAt() : null, null,
                s.originalFilename(), s.mediaType().json(), s.fileSize(), s.sha256(),
                s.operations().stream().map(Operation::json).toList(), s.projectId(), s.batchId(), results, List.of());
    }

    /**
     * One attempt of one task, so that a user never needs the server logs to learn why a job
     * failed. {@code outcome} is null while the attempt runs; {@code run} tells the attempts of
     * an explicit retry apart from the earlier ones.
     */
    @JsonPropertyOrder({"kind", "run", "attempt", "started_at", "ended_at", "outcome", "error"})
    public record Attempt(
            String kind,
            int run,
            int attempt,
            @JsonProperty("started_at") Instant startedAt,
            @JsonProperty("ended_at") Instant endedAt,
            String outcome,
            String error) {
    }

    /** One variant that exists; {@code model} only for depth maps. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String url, int width, int height, long bytes, String model) {

        /** The result named {@code name} of a media item, served by the gateway's variant route. */
        public static Result of(UUID mediaItemId, String name, VariantResult result) {
            return new Result("/api/media/" + mediaItemId + "/variants/" + name, result.width(), result.height(),
                    result.bytes(), result.model());
        }
    }
}
