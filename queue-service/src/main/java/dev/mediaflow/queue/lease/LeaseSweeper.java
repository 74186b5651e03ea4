package dev.mediaflow.queue.lease;

import dev.mediaflow.queue.background.SubscribedLifecycle;
import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.attempts.AttemptLog;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.events.JobEventApplier;
import dev.mediaflow.queue.items.JobActions;
import dev.mediaflow.queue.meters.RepairMeters;
import dev.mediaflow.queue.messaging.TaskOutbox;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.workers.WorkerRegistry;
import dev.mediaflow.queue.workers.WorkerView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * No job stays {@code processing} forever. A task of an unfinished job that shows no sign of life
 * for its lease (no event, and no worker heartbeat naming its job) has lost its attempt: the lost
 * attempt is logged with outcome {@code lost}, and the task is published again with the next
 * attempt, or, when that was its last attempt, declared dead with an error that names the lease.
 * Both are ordinary status events applied in the same transaction, so the usual rules hold: a
 * late success of the lost copy still wins.
 *
 * <p>Why it is needed: an event that never arrives (dropped, parked), a message that vanished,
 * or a worker stuck without dying would otherwise leave the job waiting with nobody to end it.
 */
@Component
public class LeaseSweeper extends SubscribedLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);
    static final String SWEEPER_ID = "queue-service-lease-sweeper";

    private final SilentTasks silentTasks;
    private final WorkerRegistry workers;
    private final JobStore store;
    private final JobEventApplier applier;
    private final AttemptLog attempts;
    private final TaskOutbox outbox;
    private final TransactionalOperator tx;
    private final MediaflowProperties properties;
    private final RepairMeters meters;
    private final Clock clock;

    public LeaseSweeper(SilentTasks silentTasks, WorkerRegistry workers, JobStore store, JobEventApplier applier,
                        AttemptLog attempts, TaskOutbox outbox, TransactionalOperator tx,
                        MediaflowProperties properties, RepairMeters meters, Clock clock) {
        this.silentTasks = silentTasks;
        this.workers = workers;
        this.store = store;
        this.applier = applier;
        this.attempts = attempts;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
    }

    /** One pass; returns how many tasks lost their lease. */
    public Mono<Long> sweep() {
        // without the heartbeats (Redis down) a busy task would look silent: skip the pass rather than guess
        return workers.status()
                .flatMap(status -> renewHeartbeats(status.workers()))
                .thenMany(Flux.defer(() -> silentTasks.pastLease(clock.instant())))
                .concatMap(this::expire)
                .reduce(0L, Long::sum);
    }

    private Mono<Void> renewHeartbeats(List<WorkerView> views) {
        Map<WorkerKind, Set<UUID>> busy = new EnumMap<>(WorkerKind.class);
        for (WorkerView view : views) {
            if (view.currentJob() == null || view.kind() == null) {
                continue;
            }
            WorkerKind kind;
            try {
                kind = WorkerKind.fromJson(view.kind());
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (String id : view.currentJob().split(",")) {
                try {
                    busy.computeIfAbsent(kind, k -> new HashSet<>()).add(UUID.fromString(id.trim()));
                } catch (IllegalArgumentException e) {
                    // not a job id: nothing to renew
                }
            }
        }
        return Flux.fromIterable(busy.entrySet())
                .concatMap(e -> silentTasks.renew(e.getKey(), e.getValue()))
                .then();
    }

    /** Re-reads the task under the job's lock and acts only if nothing moved since it was seen. */
    private Mono<Long> expire(SilentTask seen) {
        Mono<Long> change = store.lockJob(seen.jobId())
                .then(silentTasks.current(seen.jobId(), seen.worker()))
                .filter(seen::sameState)
                .flatMap(task -> {
                    Instant now = clock.instant();
                    Duration lease = task.lease(properties.taskLease(), properties.queuedLease(),
                            properties.retryDelayList());
                    int lost = task.lostAttempt();
                    boolean last = lost >= task.maxAttempts();
                    String error = "lost: no sign of life from the " + task.worker().json() + " worker for "
                            + lease.toSeconds() + " s (lease expired) on attempt " + lost + " of "
                            + task.maxAttempts() + (last ? "" : "; published again");
                    JobEvent event = new JobEvent(UUID.randomUUID(),
                            last ? EventType.TASK_DEAD : EventType.TASK_RETRYING, task.jobId(), null, null,
                            task.worker(), task.run(), lost, task.maxAttempts(), now, SWEEPER_ID, null, error, null,
                            null, null);
                    Mono<Void> republish = last ? Mono.empty() : republish(task, lost + 1);
                    return attempts.lost(task.jobId(), task.worker(), task.run(), lost, now, error)
                            .then(republish)
                            .then(applier.apply(event))
                            .doOnSuccess(changed -> log.warn("Job {} {} task: {}", task.jobId(),
                                    task.worker().json(), error))
                            .thenReturn(1L);
                });
        return tx.transactional(change)
                .doOnNext(expired -> meters.leaseExpired())
                .defaultIfEmpty(0L)
                .onErrorResume(e -> {
                    log.warn("Could not expire the lease of job {} {} task: {}", seen.jobId(), seen.worker().json(),
                            e.toString());
                    return Mono.just(0L);
                });
    }

    private Mono<Void> republish(SilentTask task, int attempt) {
        return store.findJob(task.jobId())
                .flatMap(job -> store.findMediaItem(job.mediaItemId()).map(media -> JobActions.tasks(media, job)))
                .flatMap(tasks -> {
                    List<TaskMessage> again = new ArrayList<>();
                    for (TaskMessage t : tasks) {
                        if (t.worker() == task.worker()) {
                            again.add(new TaskMessage(t.jobId(), t.mediaItemId(), t.owner(), t.mediaType(),
                                    t.worker(), t.inputPath(), t.outputDir(), t.operations(), t.priority(), t.run(),
                                    attempt, t.maxAttempts(), t.sha256(), t.createdAt()));
                        }
                    }
                    return outbox.add(again);
                });
    }

    @Override
    protected Disposable subscribe() {
        return periodically(properties.leaseSweepInterval(), this::sweep, log, "Lease sweep");
    }

}
