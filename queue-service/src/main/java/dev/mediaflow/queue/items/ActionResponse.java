package dev.mediaflow.queue.items;

import java.util.UUID;

public record ActionResponse(boolean success, UUID queueId, String message) {
}
