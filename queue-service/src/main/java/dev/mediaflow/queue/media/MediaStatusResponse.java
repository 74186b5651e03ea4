package dev.mediaflow.queue.media;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/media/status}: a page of the caller's media items, newest first, each with its latest job.
 * Named like the queue item's fields; {@code count} is every media item of the caller, not this page.
 */
public record MediaStatusResponse(long count, List<Media> items, Pagination pagination) {

    /** @param duplicateOf the media item whose results this one reused, when it was a duplicate upload */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Media(
            @JsonProperty("media_item_id") UUID mediaItemId,
            @JsonProperty("original_filename") String originalFilename,
            @JsonProperty("media_type") String mediaType,
            @JsonProperty("file_size") long fileSize,
            String sha256,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("duplicate_of") UUID duplicateOf,
            @JsonProperty("latest_job") LatestJob latestJob) {
    }

    /** The media item's newest job (by queue time): its queue id and status. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LatestJob(
            UUID id,
            String status,
            List<String> operations,
            @JsonProperty("queued_at") Instant queuedAt,
            @JsonProperty("completed_at") Instant completedAt) {
    }

    public record Pagination(int limit, long offset) {
    }
}
