package dev.mediaflow.queue.status;

import java.time.Instant;
import java.util.UUID;

/** Published on the job's channel and on the all-jobs channel after every change. */
public record StatusChange(UUID jobId, String status, int attempts, int progress, Instant at) {
}
