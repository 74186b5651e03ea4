package dev.mediaflow.queue.metrics;

import java.time.Instant;

/** Jobs that reached completed or failed: of one owner (null: all), one project (null: any), since (null: ever). */
record MetricsFilter(String owner, String projectId, Instant since) {
}
