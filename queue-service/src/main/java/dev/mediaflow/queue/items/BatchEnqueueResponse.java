package dev.mediaflow.queue.items;

import java.util.List;
import java.util.UUID;

/** The 202 of {@code POST /api/queue/enqueue}: one new job per media item, and how many queued jobs it cancelled. */
public record BatchEnqueueResponse(boolean success, List<UUID> jobIds, long canceledCount) {
}
