package dev.mediaflow.queue.items;

import java.util.List;

/** Body of {@code POST /api/queue/redo}: {@code queueId} and {@code operations} required, {@code priority} optional. */
public record RedoRequest(String queueId, List<String> operations, Integer priority) {
}
