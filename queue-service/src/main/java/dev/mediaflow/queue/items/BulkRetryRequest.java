package dev.mediaflow.queue.items;

/** Body of {@code POST /api/queue/retry}: one job ({@code jobId}) or every failed job ({@code retryAll}) of a project. */
public record BulkRetryRequest(String projectId, String jobId, Boolean retryAll) {
}
