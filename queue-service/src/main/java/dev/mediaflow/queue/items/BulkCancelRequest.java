package dev.mediaflow.queue.items;

import java.util.List;

/** Body of {@code POST /api/queue/cancel}; no (or an empty) {@code batchIds} means the whole project. */
public record BulkCancelRequest(String projectId, List<String> batchIds) {
}
