package dev.mediaflow.queue.expiry;

import java.time.Instant;
import java.util.UUID;

/**
 * Whether a media item's files were given up after {@code MEDIAFLOW_FILE_TTL} ({@code expiredAt} null: kept),
 * as the gateway, which owns the files, is told: the owner and the id name the item's places in storage
 * (docs/api.md, "Where files land"), so no path leaves this service.
 */
public record MediaExpiry(UUID mediaItemId, String owner, Instant expiredAt) {
}
