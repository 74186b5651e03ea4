package dev.mediaflow.queue.status;

import java.time.Instant;
import java.util.UUID;

/**
 * Published on the job's channel and on the all-jobs channel after every change. {@code version} orders
 * the changes of one job: a stream drops one not newer than what it already sent.
 */
public record StatusChange(UUID jobId, String status, int attempts, int progress, Instant at, long version) {
}
