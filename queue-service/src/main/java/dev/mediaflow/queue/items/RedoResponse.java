package dev.mediaflow.queue.items;

import java.util.UUID;

/** The 202 of {@code POST /api/queue/redo}: the new job's id. */
public record RedoResponse(boolean success, UUID jobId) {
}
