package dev.mediaflow.queue.items;

import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.status.JobStatusCache;
import dev.mediaflow.queue.status.StatusReconciler;
import dev.mediaflow.queue.store.ItemQuery;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.DatabaseItems;
import dev.mediaflow.queue.store.JobWithMedia;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The read side of the queue item API. One item, what polling clients ask for most, comes from its
 * Redis snapshot when that is at least as new as what PostgreSQL committed, else from PostgreSQL.
 */
@Service
public class QueueItemReader {

    private final JobStore store;
    private final DatabaseItems items;
    private final JobStatusCache cache;
    private final StatusReconciler reconciler;
    private final MediaflowProperties properties;
    private final Clock clock;

    public QueueItemReader(JobStore store, DatabaseItems items, JobStatusCache cache, StatusReconciler reconciler,
                           MediaflowProperties properties, Clock clock) {
        this.store = store;
        this.items = items;
        this.cache = cache;
        this.reconciler = reconciler;
        this.properties = properties;
        this.clock = clock;
    }

    /** Another owner's item is not found, whichever store answers. */
    public Mono<QueueItem> item(UUID queueId, Caller caller) {
        Mono<QueueItem> database = items.one(queueId, caller.ownerFilter())
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no queue item " + queueId)));
        if (!properties.itemReadsFromRedis()) {
            return database;
        }
        return cache.read(queueId)
                .flatMap(snapshot -> caller.canSee(snapshot.owner())
                        ? Mono.just(snapshot.item())
                        : Mono.error(ApiException.notFound("no queue item " + queueId)))
                .switchIfEmpty(database.doOnNext(found -> reconciler.repairLater(queueId)));
    }

    /** One row more than the page is read: whether it exists tells if {@code pagination.next} is a cursor or null. */
    public Mono<ItemListResponse> list(ItemQuery query) {
        return store.countItems(query)
                .zipWith(store.listItems(query.oneMore()).collectList().flatMap(rows -> page(query, rows)))
                .map(t -> new ItemListResponse(t.getT1(), t.getT2().items(), t.getT2().pagination()));
    }

    private record Page(List<QueueItem> items, ItemListResponse.Pagination pagination) {
    }

    private Mono<Page> page(ItemQuery query, List<JobWithMedia> rows) {
        List<JobWithMedia> page = rows.subList(0, Math.min(rows.size(), query.limit()));
        String next = rows.size() > query.limit() ? ItemCursor.after(query, page.get(page.size() - 1)) : null;
        return items.withResults(page).map(views -> new Page(views,
                new ItemListResponse.Pagination(query.limit(), query.offset(), next)));
    }

    public Mono<StatsResponse> stats(Caller caller, String projectId) {
        return store.countByStatus(caller.ownerFilter(), projectId == null || projectId.isBlank() ? null : projectId)
                .map(counts -> {
                    Map<String, Long> stats = new LinkedHashMap<>();
                    for (JobStatus status : List.of(JobStatus.QUEUED, JobStatus.PROCESSING, JobStatus.COMPLETED,
                            JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.PENDING)) {
                        stats.put(status.json(), counts.getOrDefault(status, 0L));
                    }
                    return new StatsResponse(stats, clock.instant());
                });
    }
}
