package dev.mediaflow.gateway.proxy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A queue item (CONTRACT.md section 3) built from a submission this gateway still holds, for a job
 * queue-service does not know yet: still in the spool ("pending") or just confirmed ("queued").
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SynthesizedQueueItem(
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
        @JsonProperty("media_type") MediaType mediaType,
        @JsonProperty("file_size") long fileSize,
        String sha256,
        List<Operation> operations,
        @JsonProperty("project_id") String projectId,
        @JsonProperty("batch_id") String batchId,
        Map<String, Object> results) {

    public static SynthesizedQueueItem of(JobSubmission s, String status) {
        return new SynthesizedQueueItem(s.jobId(), s.mediaItemId(), status, s.priority(), 0, s.maxAttempts(),
                null, s.createdAt(), null, null, null, s.originalFilename(), s.mediaType(), s.fileSize(),
                s.sha256(), s.operations(), s.projectId(), s.batchId(), Map.of());
    }
}
