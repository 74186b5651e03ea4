package dev.mediaflow.queue.items;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.queue.attempts.AttemptLog;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.JobWithMedia;
import dev.mediaflow.queue.store.MediaItemRow;
import dev.mediaflow.queue.store.ResultRow;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

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

    public Mono<QueueItem> view(JobWithMedia item) {
        return withResults(List.of(item)).map(views -> views.get(0));
    }

    public Mono<List<QueueItem>> withResults(List<JobWithMedia> items) {
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
            variants.put(r.name(), QueueItem.Result.of(media.id(), r.name(),
                    new VariantResult(r.width(), r.height(), r.bytes(), r.model())));
        }
        return new QueueItem(job.id(), job.mediaItemId(), job.status().json(), job.priority(), job.attempts(),
                job.maxAttempts(), job.lastError(), job.queuedAt(), job.startedAt(), job.completedAt(),
                job.durationMs(), media.originalFilename(), media.mediaType().json(), media.fileSize(), media.sha256(),
                job.operations().stream().map(Operation::json).toList(), job.projectId(), job.batchId(), variants,
                attemptsLog);
    }
}
