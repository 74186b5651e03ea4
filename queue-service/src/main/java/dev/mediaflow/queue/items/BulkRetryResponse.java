package dev.mediaflow.queue.items;

public record BulkRetryResponse(boolean success, long retriedCount) {
}
