package dev.mediaflow.queue.items;

public record BulkCancelResponse(boolean success, long canceledCount) {
}
