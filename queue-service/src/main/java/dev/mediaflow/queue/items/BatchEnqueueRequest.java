package dev.mediaflow.queue.items;

import java.util.List;

/**
 * Body of {@code POST /api/queue/enqueue}: {@code projectId} and {@code batchId} or {@code batchIds} (both may
 * be given; their union counts) required, {@code priority} optional.
 */
public record BatchEnqueueRequest(String projectId, String batchId, List<String> batchIds, Integer priority) {
}
