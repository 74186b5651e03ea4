package dev.mediaflow.queue.store;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.queue.attempts.AttemptLog;
import dev.mediaflow.queue.job.JobRow;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Queue items as PostgreSQL, the record, has them. One place builds the item from the rows, so
 * the Redis snapshot (written from here) and the PostgreSQL answer cannot differ.
 */
@Component
public class DatabaseItems {

    private final JobStore store;
    private final AttemptLog attempts;

    public DatabaseItems(JobStore store, AttemptLog attempts) {
        this.store = store;
        this.attempts = attempts;
    }

    /** One item; empty when there is none, or it belongs to another owner ({@code ownerFilter} null: anyone's). */
    public Mono<QueueItem> one(UUID jobId, String ownerFilter) {
        return store.findItem(jobId, ownerFilter)
                .flatMap(this::view);
    }

    /** {@link #one} of anyone's job, with its results version: what a change's snapshot holds. */
    public Mono<VersionedItem> oneVersioned(UUID jobId) {
        return store.findItem(jobId, null)
                .flatMap(item -> versioned(List.of(item)))
                .map(views -> views.get(0));
    }

    public Mono<QueueItem> view(JobWithMedia item) {
        return withResults(List.of(item)).map(views -> views.get(0));
    }

    public Mono<List<QueueItem>> withResults(List<JobWithMedia> items) {
        return versioned(items).map(views -> views.stream().map(VersionedItem::item).toList());
    }

    /**
     * {@link #withResults}, each item with the version of its media item's results it shows: what a Redis snapshot
     * records. Two statements for all the items, however many (their media items' results, their attempts logs).
     */
    public Mono<List<VersionedItem>> versioned(List<JobWithMedia> items) {
        List<UUID> mediaIds = items.stream().map(i -> i.job().mediaItemId()).distinct().toList();
        return store.results(mediaIds)
                .zipWith(attempts.forJobs(items.stream().map(i -> i.job().id()).toList()))
                .map(t -> items.stream()
                        .map(item -> {
                            MediaResults results = t.getT1().get(item.job().mediaItemId());
                            List<QueueItem.Attempt> log = t.getT2().getOrDefault(item.job().id(), List.of());
                            // an item deleted meanwhile shows no results, at a version older than any
                            return results == null
                                    ? new VersionedItem(view(item, List.of(), log), VersionedItem.NO_RESULTS)
                                    : new VersionedItem(view(item, results.results(), log), results.version());
                        })
                        .toList());
    }

    /**
     * A queue item and the version of its media item's results that it shows (V87).
     *
     * @param resultsVersion {@link #NO_RESULTS} when the media item was not found
     */
    public record VersionedItem(QueueItem item, long resultsVersion) {

        /** Older than any version a media item has (they start at 0). */
        public static final long NO_RESULTS = -1;
    }

    static QueueItem view(JobWithMedia item, List<ResultRow> results, List<QueueItem.Attempt> attemptsLog) {
        JobRow job = item.job();
        MediaItemRow media = item.media();
        Map<String, QueueItem.Result> variants = new LinkedHashMap<>();
        for (ResultRow r : results) {
            variants.put(r.name(), QueueItem.Result.of(media.id(), r.name(),
                    new VariantResult(r.width(), r.height(), r.bytes(), r.model())));
        }
        return new QueueItem(job.id(), job.mediaItemId(), job.status().json(), job.priority(), job.attempts(),
                job.maxAttempts(), job.lastError(), job.queuedAt(), job.startedAt(), job.completedAt(),
                job.durationMs(), media.originalFilename(), media.mediaType().json(), media.fileSize(), media.sha256(),
                job.operations().stream().map(Operation::json).toList(), job.projectId(), job.batchId(), variants,
                attemptsLog, media.expiredAt());
    }
}
