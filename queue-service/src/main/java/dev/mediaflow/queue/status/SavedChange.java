package dev.mediaflow.queue.status;

import dev.mediaflow.queue.store.MediaItemRow;

/**
 * A change of a job saved in the current transaction at {@code version}, marked pending in Redis, whose snapshot
 * is still to be taken ({@link JobSnapshots#itemsOf}) once the transaction has made its last write: the job as
 * stored, with its progress, and its media item.
 */
public record SavedChange(JobStatusSnapshot change, long version, MediaItemRow media) {
}
