package dev.mediaflow.queue.store;

import dev.mediaflow.messages.MediaType;

import java.time.Instant;
import java.util.UUID;

/**
 * The media_items table: an uploaded file. Paths are relative to the storage root and never leave this service's API.
 *
 * @param expiredAt when its files were given up after {@code MEDIAFLOW_FILE_TTL}; null while they are kept
 */
public record MediaItemRow(
        UUID id,
        String owner,
        String originalFilename,
        MediaType mediaType,
        long fileSize,
        String sha256,
        String inputPath,
        String outputDir,
        Instant createdAt,
        Instant expiredAt) {

    public boolean expired() {
        return expiredAt != null;
    }
}
