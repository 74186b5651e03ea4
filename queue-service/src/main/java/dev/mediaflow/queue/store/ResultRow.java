package dev.mediaflow.queue.store;

import java.util.UUID;

/** The results table: one variant that exists on disk. */
public record ResultRow(UUID mediaItemId, String name, int width, int height, long bytes, String model) {
}
