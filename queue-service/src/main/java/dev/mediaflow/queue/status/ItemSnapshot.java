package dev.mediaflow.queue.status;

import dev.mediaflow.messages.QueueItem;

import java.time.Instant;
import java.util.UUID;

/**
 * A job's whole queue item at one committed version, with what only the stream needs (progress, time):
 * what Redis holds and what the item endpoint and the event stream serve.
 *
 * @param resultsVersion the version of the media item's results that {@code item} shows (V87): a reader does not
 *                       serve the snapshot once the item's results are newer
 */
public record ItemSnapshot(UUID jobId, long version, String owner, QueueItem item, long resultsVersion, int progress,
                           Instant at) {

    public StatusChange change() {
        return new StatusChange(jobId, item.status(), item.attempts(), progress, at, version);
    }
}
