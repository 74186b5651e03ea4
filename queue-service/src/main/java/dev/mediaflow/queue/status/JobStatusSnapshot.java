package dev.mediaflow.queue.status;

import dev.mediaflow.queue.job.JobRow;

import java.time.Instant;

/** A job as it stands after a change, with the mean progress of its tasks, for Redis. */
public record JobStatusSnapshot(JobRow job, int progress, Instant at) {
}
