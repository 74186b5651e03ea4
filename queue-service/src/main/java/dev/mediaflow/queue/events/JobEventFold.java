package dev.mediaflow.queue.events;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatusDeriver;
import dev.mediaflow.queue.job.TaskRow;
import dev.mediaflow.queue.job.TaskTransition;
import dev.mediaflow.queue.meters.JobMeters;
import dev.mediaflow.queue.status.JobStatusSnapshot;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.JobWithMedia;
import dev.mediaflow.queue.store.StoredPrecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * All the events of one job in a batch on one read, with one write of the job and one of each task it changed (issue
 * 14, section 3), where {@link JobEventApplier} reads, derives and writes the job for every event. In the batch's
 * transaction, holding the job's lock: the job, its media item and its tasks were read once, with the batch's other
 * jobs; the events are folded in their order on that state in memory, each exactly as
 * {@link JobEventApplier#changeLocked} changes the rows (the same transitions, the same rule for what changes nothing,
 * stale runs and deleted jobs ignored, times rounded as PostgreSQL stores them); each task event goes to the attempts
 * log (every attempt of every run), and each changed task and the job, with its number of changes, go to the batch's
 * {@link JobWrites}, so every change keeps a version and a snapshot of its own and the job's stream still hears each
 * of them. A new job is inserted by the batch before the fold, with the batch's other new jobs, and counts as
 * recorded from its {@code job.submitted} on; a duplicate's reused results are saved at that event. New results wait
 * for the end of the batch ({@link NewResults}). {@code JobEventFoldTest} checks the fold against one event at a
 * time over random sequences and batch cuts.
 */
@Component
class JobEventFold {

    private static final Logger log = LoggerFactory.getLogger(JobEventFold.class);

    private final JobEventApplier applier;
    private final JobStore store;
    private final JobMeters meters;
    private final Clock clock;

    JobEventFold(JobEventApplier applier, JobStore store, JobMeters meters, Clock clock) {
        this.applier = applier;
        this.store = store;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * @param job    what the batch read and inserted for the job before its events are folded
     * @param events {@link JobEventApplier#prepared} events of the job, in their order
     * @param inContext the log context of the event at each position, around its step
     * @param newResults where a success with results goes, saved by the caller after the batch's last job
     * @param writes where the job's changed tasks and the job go, written by the caller after the batch's last job
     * @return the position of each event's change among the job's changes ({@link JobWrites#save} gives their
     *         versions), -1 where it changed no job, in the order of {@code events}
     */
    Mono<List<Integer>> apply(JobInBatch job, List<JobEvent> events, EventContext inContext, NewResults newResults,
                              JobWrites writes) {
        if (job.found().deleted()) {
            events.forEach(JobEventApplier::ignoreDeleted);
            return Mono.just(events.stream().map(e -> -1).toList());
        }
        State state = new State(job, newResults, writes);
        return Flux.range(0, events.size())
                .concatMap(k -> inContext.around(k, step(state, events.get(k))))
                .collectList()
                .flatMap(changeOfEach -> Flux.concat(state.jobSaved).then(Mono.fromRunnable(() -> {
                    writes.tasks(state.changedTasks.values());
                    if (state.job != null) {
                        writes.job(state.job.job(), state.changes, state.job.media());
                    }
                })).thenReturn(changeOfEach));
    }

    /** The log context of the event at a position of the job's events. */
    interface EventContext {
        <T> Mono<T> around(int position, Mono<T> work);
    }

    /** @return the position of the event's change among the job's changes, or -1 when it changed no job */
    private Mono<Integer> step(State state, JobEvent event) {
        return event.type() == EventType.JOB_SUBMITTED ? submitted(state, event) : taskEvent(state, event);
    }

    private Mono<Integer> submitted(State state, JobEvent event) {
        if (state.job != null) {
            return Mono.fromCallable(() -> change(state, false));
        }
        JobWithMedia inserted = state.inserted;
        if (inserted != null) {
            // inserted by the batch before the fold: recorded now, at this event
            state.inserted = null;
            return applier.recorded(event, inserted).then(Mono.fromCallable(() -> {
                state.job = inserted;
                return change(state, true);
            }));
        }
        // not inserted by the batch, although it read no job under the lock: whatever is recorded now is read
        return store.findJobWithMediaForUpdate(event.jobId())
                .map(job -> {
                    state.job = job;
                    return change(state, false);
                })
                .defaultIfEmpty(-1);
    }

    private Mono<Integer> taskEvent(State state, JobEvent event) {
        return Mono.defer(() -> {
            // every attempt of every run goes into the attempts log, also those the task row no longer follows
            state.writes.attempt(event);
            if (state.job != null && event.run() < state.job.job().run()) {
                log.debug("Ignoring {} of job {} run {}: the job is at run {}", event.type().routingKey(),
                        event.jobId(), event.run(), state.job.job().run());
                return Mono.just(-1);
            }
            TaskRow before = state.tasks.get(event.worker());
            TaskRow moved = TaskTransition.apply(before, event);
            if (moved == before) {
                log.debug("{} of job {} ({} run {} attempt {}) changes nothing", event.type().routingKey(),
                        event.jobId(), event.worker().json(), event.run(), event.attempt());
                return Mono.just(-1);
            }
            TaskRow after = StoredPrecision.of(moved);
            state.tasks.put(after.worker(), after);
            state.changedTasks.put(after.worker(), after);
            if (JobEventApplier.bringsResults(before, after, event)) {
                state.newResults.add(event);
            }
            if (state.job == null) {
                return Mono.just(-1);
            }
            return meters.taskSaved(state.job.job(), before, after)
                    .then(Mono.fromCallable(() -> change(state, true)));
        });
    }

    /**
     * The job derived from its tasks in memory; when that changes it, or {@code force}, a change of the job that
     * the write at the end saves with a version of its own. @return its position, or -1 when there is none
     */
    private int change(State state, boolean force) {
        JobRow job = state.job.job();
        JobRow derived = JobStatusDeriver.derive(job, state.tasks.values());
        boolean changed = !derived.equals(job);
        if (!changed && !force) {
            return -1;
        }
        if (changed && derived.status() != job.status()) {
            log.info("Job {} {} -> {} (run {}, attempts {})", job.id(), job.status().json(),
                    derived.status().json(), derived.run(), derived.attempts());
        }
        if (changed) {
            state.jobSaved.add(meters.jobSaved(job, derived));
        }
        state.job = new JobWithMedia(derived, state.job.media());
        state.changes.add(new JobStatusSnapshot(derived, JobStatusDeriver.progress(derived, state.tasks.values()),
                clock.instant()));
        return state.changes.size() - 1;
    }

    /** One job's state while its events are folded. */
    private static final class State {
        JobWithMedia job;
        /** the job inserted by the batch, until its {@code job.submitted} is folded */
        JobWithMedia inserted;
        final Map<WorkerKind, TaskRow> tasks = new EnumMap<>(WorkerKind.class);
        final Map<WorkerKind, TaskRow> changedTasks = new EnumMap<>(WorkerKind.class);
        final List<JobStatusSnapshot> changes = new ArrayList<>();
        final List<Mono<Void>> jobSaved = new ArrayList<>();
        final NewResults newResults;
        final JobWrites writes;

        State(JobInBatch read, NewResults newResults, JobWrites writes) {
            this.job = read.found().job();
            this.inserted = read.inserted();
            this.newResults = newResults;
            this.writes = writes;
            read.tasks().forEach(t -> this.tasks.put(t.worker(), t));
        }
    }
}
