package dev.mediaflow.queue.aging;

import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.background.SubscribedLifecycle;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.items.JobActions;
import dev.mediaflow.queue.messaging.TaskOutbox;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.JobWithMedia;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

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
 *
 * <p>A pass ages its tasks a page ({@link #PAGE}) per transaction, with a handful of statements for the page and
 * one confirmed publish of its copies, and logs one line: a backlog of 10,000 waiting tasks ages in seconds, where a
 * transaction of six statements, a publish and a log line per task took most of a core for half a minute.
 */
@Component
public class PriorityAger extends SubscribedLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PriorityAger.class);
    /** Tasks aged per transaction: a few statements for the page where there were six per task. */
    static final int PAGE = 200;

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
                .buffer(PAGE)
                .concatMap(this::age)
                .reduce(0L, Long::sum)
                .doOnNext(aged -> {
                    if (aged > 0) {
                        log.info("Priority aging: {} task(s) waited over {} s and were published again one AMQP "
                                + "priority higher", aged, properties.priorityAging().toSeconds());
                    }
                });
    }

    /**
     * Ages a page of the tasks seen waiting in one transaction: their jobs' locks taken without waiting, the tasks
     * read again under them, and only those that did not move since they were seen aged (the record of each step
     * and its copy written together). A job whose lock another transaction holds (an event, a cancel) is left to
     * the next pass: its change may start or end the task, and waiting for it could only deadlock.
     */
    private Mono<Long> age(List<WaitingTask> seen) {
        Map<TaskKey, WaitingTask> seenByKey = new HashMap<>();
        seen.forEach(task -> seenByKey.put(TaskKey.of(task), task));
        Set<UUID> jobIds = new LinkedHashSet<>();
        seen.forEach(task -> jobIds.add(task.jobId()));
        Mono<Long> step = store.tryLockJobs(jobIds).collectList()
                .flatMapMany(waiting::current)
                .filter(task -> {
                    WaitingTask before = seenByKey.get(TaskKey.of(task));
                    return before != null && before.sameState(task);
                })
                .collectList()
                .flatMap(still -> copiesOf(still).flatMap(copies -> {
                    List<WaitingTask> aged = List.copyOf(copies.keySet());
                    Map<Integer, List<TaskMessage>> byLevel = new TreeMap<>();
                    copies.forEach((task, copy) ->
                            byLevel.computeIfAbsent(task.level() + 1, level -> new ArrayList<>()).add(copy));
                    return waiting.aged(aged, clock.instant())
                            .thenMany(Flux.fromIterable(byLevel.entrySet()))
                            .concatMap(level -> outbox.add(level.getValue(), level.getKey()))
                            .then(Mono.fromCallable(() -> {
                                aged.forEach(task -> log.debug("Job {} {} task waited over {} s: published again at "
                                                + "AMQP priority {}", task.jobId(), task.worker().json(),
                                        properties.priorityAging().toSeconds(), task.level() + 1));
                                return (long) aged.size();
                            }));
                }));
        return tx.transactional(step)
                .defaultIfEmpty(0L)
                .onErrorResume(e -> {
                    log.warn("Could not age {} waiting task(s), will try again in the next pass: {}", seen.size(),
                            e.toString());
                    return Mono.just(0L);
                });
    }

    /**
     * Each task's first attempt of its job's current run, as the gateway or the outbox first sent it, with one read
     * of the jobs and their media items; a task whose job is gone has no copy and is left out.
     */
    private Mono<Map<WaitingTask, TaskMessage>> copiesOf(List<WaitingTask> tasks) {
        if (tasks.isEmpty()) {
            return Mono.just(Map.of());
        }
        return store.findItems(tasks.stream().map(WaitingTask::jobId).distinct().toList())
                .collectMap(item -> item.job().id())
                .map(items -> {
                    Map<WaitingTask, TaskMessage> copies = new LinkedHashMap<>();
                    for (WaitingTask task : tasks) {
                        JobWithMedia item = items.get(task.jobId());
                        if (item == null) {
                            continue;
                        }
                        JobActions.tasks(item.media(), item.job()).stream()
                                .filter(t -> t.worker() == task.worker() && t.run() == task.run())
                                .findFirst()
                                .ifPresent(copy -> copies.put(task, copy));
                    }
                    return copies;
                });
    }

    /** One task of one job: a job has a waiting task per worker at most. */
    private record TaskKey(UUID jobId, WorkerKind worker) {
        static TaskKey of(WaitingTask task) {
            return new TaskKey(task.jobId(), task.worker());
        }
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
