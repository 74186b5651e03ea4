package dev.mediaflow.queue.aging;

import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.queue.background.SubscribedLifecycle;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.items.JobActions;
import dev.mediaflow.queue.messaging.TaskOutbox;
import dev.mediaflow.queue.store.JobStore;
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
import java.util.List;

/**
 * Priority aging (CONTRACT section 4's priority queues, made fair): a task that has waited in its queue longer
 * than {@code MEDIAFLOW_PRIORITY_AGING} is published again one AMQP priority higher, and again after each further
 * wait of that length, up to the top priority (10).
 *
 * <p>Why: a RabbitMQ priority queue always delivers its highest waiting message first. Photos get 9..5 and videos
 * 4..0, so with photos arriving as fast as the workers take them a video is never delivered. A message in a queue
 * cannot be changed, so each step sends a copy; the older copies stay where they are. Every copy is the same
 * attempt of the same task: the worker that gets one first claims the attempt with that copy, and every other
 * copy of it is acknowledged and dropped ({@code AttemptClaims}), so no task runs twice and none is lost (the
 * copy goes through the transactional outbox, in the same transaction as the record of the step, so a step
 * either happens whole or not at all).
 *
 * <p>The bound: a task whose own priority is {@code p} (0..9) reaches the top after {@code (10 - p)} steps,
 * that is within {@code (10 - p) x (aging + sweep interval)} of being queued, and is then delivered before every
 * task that has not aged as far, after the consumers finish what they hold. Only tasks that never started in
 * the job's current run age: a retry waiting for its next attempt keeps its own priority.
 */
@Component
public class PriorityAger extends SubscribedLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PriorityAger.class);

    private final WaitingTasks waiting;
    private final JobStore store;
    private final TaskOutbox outbox;
    private final TransactionalOperator tx;
    private final MediaflowProperties properties;
    private final Clock clock;

    public PriorityAger(WaitingTasks waiting, JobStore store, TaskOutbox outbox, TransactionalOperator tx,
                        MediaflowProperties properties, Clock clock) {
        this.waiting = waiting;
        this.store = store;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /** How often the waiting tasks are looked at: a quarter of the aging time, between 100 ms and 15 s. */
    Duration sweepInterval() {
        Duration quarter = properties.priorityAging().dividedBy(4);
        Duration min = Duration.ofMillis(100);
        Duration max = Duration.ofSeconds(15);
        return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
    }

    /** One pass; returns how many tasks were published one priority higher. */
    public Mono<Long> sweep() {
        Instant cutoff = clock.instant().minus(properties.priorityAging());
        return waiting.forgetFinished()
                .thenMany(Flux.defer(() -> waiting.waitingSince(cutoff)))
                .concatMap(this::age)
                .reduce(0L, Long::sum);
    }

    /** Re-reads the task under the job's lock and ages it only if nothing moved since it was seen. */
    private Mono<Long> age(WaitingTask seen) {
        Mono<Long> step = store.lockJob(seen.jobId())
                .then(waiting.current(seen.jobId(), seen.worker()))
                .filter(seen::sameState)
                .flatMap(task -> {
                    int level = task.level() + 1;
                    return copyOf(task)
                            .flatMap(copy -> waiting.aged(task, level, clock.instant())
                                    .then(outbox.add(List.of(copy), level)))
                            .doOnSuccess(done -> log.info("Job {} {} task waited over {} s: published again at AMQP "
                                            + "priority {}", task.jobId(), task.worker().json(),
                                    properties.priorityAging().toSeconds(), level))
                            .thenReturn(1L);
                });
        return tx.transactional(step)
                .defaultIfEmpty(0L)
                .onErrorResume(e -> {
                    log.warn("Could not age job {} {} task: {}", seen.jobId(), seen.worker().json(), e.toString());
                    return Mono.just(0L);
                });
    }

    /** The task's first attempt of the job's current run, as the gateway or the outbox first sent it. */
    private Mono<TaskMessage> copyOf(WaitingTask task) {
        return store.findJob(task.jobId())
                .flatMap(job -> store.findMediaItem(job.mediaItemId()).map(media -> JobActions.tasks(media, job)))
                .flatMapIterable(tasks -> tasks)
                .filter(t -> t.worker() == task.worker() && t.run() == task.run())
                .next();
    }

    @Override
    protected Disposable subscribe() {
        if (!properties.priorityAgingEnabled()) {
            log.info("Priority aging is off (MEDIAFLOW_PRIORITY_AGING=0)");
            return Flux.never().subscribe();
        }
        return periodically(sweepInterval(), this::sweep, log, "Priority aging pass");
    }
}
