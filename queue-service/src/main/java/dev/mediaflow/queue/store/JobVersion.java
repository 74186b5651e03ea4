package dev.mediaflow.queue.store;

import java.util.UUID;

/** A job's id with the version of its last committed change. */
public record JobVersion(UUID jobId, long version) {
}
