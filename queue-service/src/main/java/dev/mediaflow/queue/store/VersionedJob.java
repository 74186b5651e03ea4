package dev.mediaflow.queue.store;

import dev.mediaflow.queue.job.JobRow;

/** A job as an update stored it, with the version that update gave it. */
public record VersionedJob(long version, JobRow job) {
}
