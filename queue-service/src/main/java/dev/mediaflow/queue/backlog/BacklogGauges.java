package dev.mediaflow.queue.backlog;

import dev.mediaflow.queue.background.SubscribedLifecycle;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.lease.SilentTask;
import dev.mediaflow.queue.lease.SilentTasks;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.workers.WorkerRegistry;
import dev.mediaflow.queue.workers.WorkerView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The backlog as gauges, for the alerts "the oldest queued job is older than N minutes", "a job has been
 * processing past its lease" and "worker heartbeats are missing":
 * <ul>
 *   <li>{@code mediaflow_oldest_queued_job_age_seconds}: how long the longest-waiting {@code queued} job has
 *       waited since its upload (since its retry, for a later run); 0 when none is queued;</li>
 *   <li>{@code mediaflow_jobs_past_lease}: jobs with a task silent past its lease, by the lease sweeper's own
 *       rule; normally 0, as the sweeper acts within a pass, so a value that stays up means the sweeper cannot
 *       (it skips its passes while Redis is down, or its transactions fail);</li>
 *   <li>{@code mediaflow_workers_alive{kind}}: worker instances whose heartbeat in Redis is fresh (the hash
 *       expires three intervals after the last beat).</li>
 * </ul>
 * They are read from PostgreSQL and Redis every {@code mediaflow.gauge-refresh-interval}, not at each scrape: a
 * scrape must stay cheap and must not wait on a database. While a source cannot be read the gauges keep their
 * last values (the failure is in the service's health and logs); the age keeps growing from the time it was read.
 */
@Component
public class BacklogGauges extends SubscribedLifecycle implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(BacklogGauges.class);

    private final JobStore store;
    private final SilentTasks silentTasks;
    private final WorkerRegistry workers;
    private final MediaflowProperties properties;
    private final Clock clock;
    private final AtomicReference<Optional<Instant>> oldestQueued = new AtomicReference<>(Optional.empty());
    private final AtomicLong pastLease = new AtomicLong();
    private final Map<WorkerKind, AtomicLong> alive = new EnumMap<>(WorkerKind.class);

    public BacklogGauges(JobStore store, SilentTasks silentTasks, WorkerRegistry workers,
                         MediaflowProperties properties, Clock clock) {
        this.store = store;
        this.silentTasks = silentTasks;
        this.workers = workers;
        this.properties = properties;
        this.clock = clock;
        for (WorkerKind kind : WorkerKind.values()) {
            alive.put(kind, new AtomicLong());
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("mediaflow.oldest.queued.job.age", this, BacklogGauges::oldestQueuedAgeSeconds)
                .description("how long the longest-waiting queued job has waited (0 when none is queued)")
                .baseUnit("seconds").strongReference(true).register(registry);
        Gauge.builder("mediaflow.jobs.past.lease", pastLease, AtomicLong::get)
                .description("jobs with a task silent past its lease that the lease sweeper has not handled")
                .strongReference(true).register(registry);
        alive.forEach((kind, count) -> Gauge.builder("mediaflow.workers.alive", count, AtomicLong::get)
                .description("worker instances with a fresh heartbeat in Redis")
                .tag("kind", kind.json()).strongReference(true).register(registry));
    }

    /** Reads all three from their sources once; each source that fails keeps its gauges as they were. */
    public Mono<Void> refresh() {
        Instant now = clock.instant();
        Mono<Void> queued = store.oldestQueued()
                .map(Optional::of).defaultIfEmpty(Optional.empty())
                .doOnNext(oldestQueued::set).then();
        Mono<Void> lease = silentTasks.pastLease(now)
                .map(SilentTask::jobId).distinct().count()
                .doOnNext(pastLease::set).then();
        Mono<Void> heartbeats = workers.status().doOnNext(status -> {
            Map<WorkerKind, Long> counts = new EnumMap<>(WorkerKind.class);
            for (WorkerView view : status.workers()) {
                kindOf(view).ifPresent(kind -> counts.merge(kind, 1L, Long::sum));
            }
            alive.forEach((kind, count) -> count.set(counts.getOrDefault(kind, 0L)));
        }).then();
        return Flux.concat(quietly(queued, "the oldest queued job"), quietly(lease, "the jobs past their lease"),
                quietly(heartbeats, "the worker heartbeats")).then();
    }

    double oldestQueuedAgeSeconds() {
        return oldestQueued.get()
                .map(since -> Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0))
                .orElse(0.0);
    }

    private static Optional<WorkerKind> kindOf(WorkerView view) {
        try {
            return Optional.of(WorkerKind.fromJson(view.kind()));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private static Mono<Void> quietly(Mono<Void> read, String what) {
        return read.onErrorResume(e -> {
            log.debug("Could not read {} for the metrics: {}", what, e.toString());
            return Mono.empty();
        });
    }

    @Override
    protected Disposable subscribe() {
        Duration every = properties.gaugeRefreshInterval();
        return Flux.interval(Duration.ZERO, every)
                .onBackpressureDrop()
                .concatMap(tick -> refresh(), 0)
                .subscribe();
    }

}
