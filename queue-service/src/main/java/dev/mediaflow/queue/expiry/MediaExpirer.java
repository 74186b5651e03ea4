package dev.mediaflow.queue.expiry;

import dev.mediaflow.queue.job.JobStatusDeriver;
import dev.mediaflow.queue.status.ItemSnapshot;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.JobStatusSnapshot;
import dev.mediaflow.queue.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Marks media items expired whose jobs are all final since before a cut-off, one transaction per item, and
 * tells the gateway which items' files to remove. The gateway owns the files and the TTL; this service owns the
 * record, so that an item expires exactly once however many gateways clean up, and never while a job of it runs.
 *
 * <p>Under the item's locks (its jobs' locks in id order, which every job change takes, then its own row, which
 * enqueue, retry and replay share-lock) the item is checked again: a job queued, processing or pending, or final
 * after the cut-off, keeps its files. Each job of an expired item counts a change: its snapshot shows
 * {@code expired_at} and no results, in PostgreSQL and Redis alike.
 */
@Service
public class MediaExpirer {

    private static final Logger log = LoggerFactory.getLogger(MediaExpirer.class);

    private final ExpiryStore expiry;
    private final JobStore jobs;
    private final JobSnapshots snapshots;
    private final TransactionalOperator tx;
    private final Clock clock;

    MediaExpirer(ExpiryStore expiry, JobStore jobs, JobSnapshots snapshots, TransactionalOperator tx, Clock clock) {
        this.expiry = expiry;
        this.jobs = jobs;
        this.snapshots = snapshots;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Expires up to {@code limit} items final before {@code finalBefore}, then lists up to {@code limit} expired
     * items whose files are not confirmed removed: the new ones and any an earlier cleanup left (a gateway that
     * stopped between the mark and the removal).
     */
    public Mono<List<MediaExpiry>> expire(Instant finalBefore, int limit) {
        return expiry.candidates(finalBefore, limit)
                .concatMap(mediaItemId -> expireOne(mediaItemId, finalBefore))
                .filter(Boolean::booleanValue)
                .count()
                .doOnNext(expired -> {
                    if (expired > 0) {
                        log.info("{} media item(s) expired: every job final before {}", expired, finalBefore);
                    }
                })
                .then(expiry.unremoved(limit).collectList());
    }

    /** The gateway removed these items' files: they are not offered again. */
    public Mono<Long> filesRemoved(Collection<UUID> mediaItemIds) {
        return expiry.confirmRemoved(mediaItemIds, clock.instant());
    }

    /** The item's owner and expiry; empty when there is no such item. */
    public Mono<MediaExpiry> find(UUID mediaItemId) {
        return expiry.find(mediaItemId);
    }

    private Mono<Boolean> expireOne(UUID mediaItemId, Instant finalBefore) {
        Instant at = clock.instant();
        Mono<List<ItemSnapshot>> change = expiry.jobIds(mediaItemId)
                .flatMap(ids -> Flux.fromIterable(ids).concatMap(jobs::lockJob).then(Mono.just(ids)))
                .filterWhen(ids -> expiry.lockUnexpired(mediaItemId))
                .filterWhen(ids -> expiry.keepsFiles(mediaItemId, finalBefore).map(keeps -> !keeps))
                .flatMap(ids -> expiry.markExpired(mediaItemId, at)
                        .thenMany(Flux.fromIterable(ids).concatMap(jobId -> capture(jobId, at)))
                        .collectList());
        return tx.transactional(change)
                .flatMap(written -> Flux.fromIterable(written).concatMap(snapshots::write).then(Mono.just(true)))
                .doOnNext(expired -> log.debug("Media item {} expired", mediaItemId))
                .defaultIfEmpty(false);
    }

    private Mono<ItemSnapshot> capture(UUID jobId, Instant at) {
        return jobs.findJob(jobId).flatMap(job -> jobs.findTasks(jobId).collectList()
                .flatMap(tasks -> snapshots.capture(new JobStatusSnapshot(job, JobStatusDeriver.progress(job, tasks), at))));
    }
}
