package dev.mediaflow.queue.items;

import java.util.UUID;

public record EnqueueResponse(boolean success, UUID queueId, UUID mediaItemId) {
}
