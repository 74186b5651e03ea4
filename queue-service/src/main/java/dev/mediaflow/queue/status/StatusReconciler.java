package dev.mediaflow.queue.status;

import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.meters.RepairMeters;
import dev.mediaflow.queue.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Brings Redis back to what PostgreSQL committed, periodically and while the listeners run: after Redis
 * lost its data, after a crash between a commit and its Redis write, after a change that rolled back
 * past its pending mark. It compares versions and rewrites only what is behind, each job under its row
 * lock and through the same compare-and-set as every writer, so it can never put an older snapshot
 * over a newer one.
 */
@Component
public class StatusReconciler {

    private static final Logger log = LoggerFactory.getLogger(StatusReconciler.class);
    /** Jobs checked against Redis per script call. */
    private static final int PAGE = 200;

    private final JobStore store;
    private final JobSnapshots snapshots;
    private final JobStatusCache cache;
    private final TransactionalOperator tx;
    private final MediaflowProperties properties;
    private final RepairMeters meters;
    private final Clock clock;
    private final Set<UUID> repairing = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Disposable> schedule = new AtomicReference<>();

    public StatusReconciler(JobStore store, JobSnapshots snapshots, JobStatusCache cache, TransactionalOperator tx,
                            MediaflowProperties properties, RepairMeters meters, Clock clock) {
        this.store = store;
        this.snapshots = snapshots;
        this.cache = cache;
        this.tx = tx;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        Duration every = properties.statusReconcileInterval();
        if (every.isZero() || every.isNegative()) {
            return;
        }
        Disposable running = Flux.interval(Duration.ZERO, every)
                .onBackpressureDrop()
                .concatMap(tick -> reconcile()
                        .doOnNext(count -> {
                            if (count > 0) {
                                log.info("Reconciled the Redis status of {} job(s) with PostgreSQL", count);
                            }
                        })
                        .onErrorResume(e -> {
                            log.warn("Could not reconcile Redis job status with PostgreSQL: {}", e.toString());
                            return Mono.empty();
                        }), 0)
                .subscribe();
        Disposable previous = schedule.getAndSet(running);
        if (previous != null) {
            previous.dispose();
        }
    }

    /** At close, before Redis and PostgreSQL connections stop, so no pass runs into them. */
    @EventListener(ContextClosedEvent.class)
    public void stop() {
        Disposable running = schedule.getAndSet(null);
        if (running != null) {
            running.dispose();
        }
    }

    /**
     * One pass over the jobs not final or changed within the window; rewrites each one whose Redis
     * snapshot is behind, missing, or held back by a pending mark. Returns how many it rewrote, and counts them
     * in {@code mediaflow_reconciler_repairs_total}.
     */
    public Mono<Long> reconcile() {
        Instant since = clock.instant().minus(properties.statusReconcileWindow());
        // read whole before any repair, so the query's connection is free for the repairs' transactions
        return store.versionsToReconcile(since).collectList()
                .flatMapIterable(jobs -> jobs)
                .buffer(PAGE)
                .concatMap(cache::behind)
                .concatMap(id -> repair(id, false))
                .filter(Boolean::booleanValue)
                .count()
                .doOnNext(meters::reconcilerRepaired);
    }

    /**
     * Rewrites one job's snapshot from what is committed, holding its row lock (so no writer is between
     * its pending mark and its commit). {@code skipIfBusy}: a job that a writer holds is left to it.
     *
     * @return whether Redis took the snapshot
     */
    public Mono<Boolean> repair(UUID jobId, boolean skipIfBusy) {
        Mono<Boolean> locked = store.lockVersion(jobId, skipIfBusy)
                .flatMap(version -> snapshots.load(jobId, version))
                .flatMap(snapshot -> cache.write(snapshot, true));
        return tx.transactional(locked).defaultIfEmpty(false);
    }

    /** For a reader that missed Redis: repairs the job in the background, once at a time per job (counted). */
    public void repairLater(UUID jobId) {
        if (!repairing.add(jobId)) {
            return;
        }
        repair(jobId, true)
                .doFinally(signal -> repairing.remove(jobId))
                .subscribe(written -> meters.reconcilerRepaired(written ? 1 : 0),
                        e -> log.debug("Could not repair the Redis status of job {}: {}", jobId, e.toString()));
    }
}
