package dev.mediaflow.queue.store;

import dev.mediaflow.queue.job.JobRow;

/** A job joined with its media item, as the queue item API shows it. */
public record JobWithMedia(JobRow job, MediaItemRow media) {
}
