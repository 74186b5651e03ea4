package dev.mediaflow.queue.store;

import dev.mediaflow.messages.MediaType;

import java.time.Instant;
import java.util.UUID;

/** The media_items table: an uploaded file. Paths are relative to the storage root and never leave this service's API. */
public record MediaItemRow(
        UUID id,
        String owner,
        String originalFilename,
        MediaType mediaType,
        long fileSize,
        String sha256,
        String inputPath,
        String outputDir,
        Instant createdAt) {
}
