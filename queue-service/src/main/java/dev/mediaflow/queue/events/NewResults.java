package dev.mediaflow.queue.events;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.store.JobStore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The results that the successes of one event batch bring, saved together after the batch's last job and before its
 * snapshots are taken ({@link JobEventBatchApplier}): the media items in the order of their ids, each item's
 * successes in the order they were folded. A change of an item's results takes the item's row lock first
 * ({@link JobSnapshots#resultsChanged}); taking the items in their jobs' order would let two batches with successes
 * for the same two items take them in opposite orders and deadlock.
 */
final class NewResults {

    private final SortedMap<UUID, List<JobEvent>> byItem = new TreeMap<>();

    /** A success with results, folded in the batch's transaction. */
    void add(JobEvent success) {
        byItem.computeIfAbsent(success.mediaItemId(), id -> new ArrayList<>()).add(success);
    }

    /** In the batch's transaction, after its last job: each item's results version raised once, its results saved. */
    Mono<Void> save(JobStore store, JobSnapshots snapshots) {
        return Flux.fromIterable(byItem.entrySet())
                .concatMap(item -> snapshots.resultsChanged(item.getKey(), Flux.fromIterable(item.getValue())
                        .concatMap(e -> store.saveResults(e.mediaItemId(), e.jobId(), e.results(), e.at()))
                        .then()))
                .then();
    }
}
