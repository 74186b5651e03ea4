package dev.mediaflow.queue.store;

/**
 * What {@link JobStore#findJobForEvent} read in one round trip.
 *
 * @param deleted whether the job belonged to a deleted media item (its late events change nothing)
 * @param job     the job with its media item, its row locked; null when the job is not recorded (yet)
 */
public record JobForEvent(boolean deleted, JobWithMedia job) {
}
