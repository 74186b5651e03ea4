package dev.mediaflow.queue.items;

import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.queue.attempts.AttemptLog;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.store.ItemQuery;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.JobWithMedia;
import dev.mediaflow.queue.store.MediaItemRow;
import dev.mediaflow.queue.store.ResultRow;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** The read side of the queue item API. */
@Service
public class QueueItemReader {

    private final JobStore store;
    private final AttemptLog attempts;
    private final Clock clock;

    public QueueItemReader(JobStore store, AttemptLog attempts, Clock clock) {
        this.store = store;
        this.attempts = attempts;
        this.clock = clock;
    }

    public Mono<QueueItem> item(UUID queueId, Caller caller) {
        return store.findItem(queueId, caller.ownerFilter())
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no queue item " + queueId)))
                .flatMap(item -> withResults(List.of(item)))
                .map(views -> views.get(0));
    }

    public Mono<ItemListResponse> list(ItemQuery query) {
        return store.countItems(query)
                .zipWith(store.listItems(query).collectList().flatMap(this::withResults))
                .map(t -> new ItemListResponse(t.getT1(), t.getT2(),
                        new ItemListResponse.Pagination(query.limit(), query.offset())));
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

    private Mono<List<QueueItem>> withResults(List<JobWithMedia> items) {
        List<UUID> mediaIds = items.stream().map(i -> i.job().mediaItemId()).distinct().toList();
        return store.results(mediaIds)
                .collect(Collectors.groupingBy(ResultRow::mediaItemId))
                .zipWith(attempts.forJobs(items.stream().map(i -> i.job().id()).toList()))
                .map(t -> items.stream()
                        .map(item -> view(item, t.getT1().getOrDefault(item.job().mediaItemId(), List.of()),
                                t.getT2().getOrDefault(item.job().id(), List.of())))
                        .toList());
    }

    static QueueItem view(JobWithMedia item, List<ResultRow> results, List<QueueItem.Attempt> attemptsLog) {
        JobRow job = item.job();
        MediaItemRow media = item.media();
        Map<String, QueueItem.Result> variants = new LinkedHashMap<>();
        for (ResultRow r : results) {
            variants.put(r.name(), new QueueItem.Result(
                    "/api/media/" + media.id() + "/variants/" + r.name(), r.width(), r.height(), r.bytes(), r.model()));
        }
        return new QueueItem(job.id(), job.mediaItemId(), job.status().json(), job.priority(), job.attempts(),
                job.maxAttempts(), job.lastError(), job.queuedAt(), job.startedAt(), job.completedAt(),
                job.durationMs(), media.originalFilename(), media.mediaType().json(), media.fileSize(), media.sha256(),
                job.operations().stream().map(Operation::json).toList(), job.projectId(), job.batchId(), variants,
                attemptsLog);
    }
}
