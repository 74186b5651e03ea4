package dev.mediaflow.queue.events;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.attempts.AttemptLog;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatusDeriver;
import dev.mediaflow.queue.job.TaskRow;
import dev.mediaflow.queue.job.TaskTransition;
import dev.mediaflow.queue.meters.JobMeters;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.JobStatusSnapshot;
import dev.mediaflow.queue.status.SavedChange;
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
import java.util.Optional;
import java.util.UUID;

/**
 * All the events of one job in a batch with one read, one write of the job and one of each task it changed (issue
 * 14, section 3), where {@link JobEventApplier} reads, derives and writes the job for every event. In the batch's
 * transaction, holding the job's lock: the job, its media item and its tasks are read once; the events are folded
 * in their order on that state in memory, each exactly as {@link JobEventApplier#changeLocked} changes the rows
 * (the same transitions, the same rule for what changes nothing, stale runs and deleted jobs ignored, times rounded
 * as PostgreSQL stores them); then each changed task is written once and the job once, its version raised by the
 * number of its changes, so every change keeps a version and a snapshot of its own and the job's stream still
 * hears each of them. What cannot wait for the end stays per event and in order: the attempts log (every attempt
 * of every run) and a new job's insert. New results wait for the end of the batch ({@link NewResults}).
 * {@code JobEventFoldTest} checks the fold against one event at a time over random sequences and batch cuts.
 */
@Component
class JobEventFold {

    private static final Logger log = LoggerFactory.getLogger(JobEventFold.class);

    private final JobEventApplier applier;
    private final JobStore store;
    private final AttemptLog attempts;
    private final JobMeters meters;
    private final Clock clock;

    JobEventFold(JobEventApplier applier, JobStore store, AttemptLog attempts, JobMeters meters, Clock clock) {
        this.applier = applier;
        this.store = store;
        this.attempts = attempts;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * @param events {@link JobEventApplier#prepared} events of job {@code jobId}, in their order
     * @param inContext the log context of the event at each position, around its step
     * @param newResults where a success with results goes, saved by the caller after the batch's last job
     * @return each event's saved change (empty where it changed no job), in the order of {@code events}
     */
    Mono<List<Optional<SavedChange>>> apply(UUID jobId, List<JobEvent> events, EventContext inContext,
                                            NewResults newResults) {
        return store.findJobForEvent(jobId).flatMap(found -> {
            if (found.deleted()) {
                events.forEach(JobEventApplier::ignoreDeleted);
                return Mono.just(events.stream().map(e -> Optional.<SavedChange>empty()).toList());
            }
            return store.findTasksForUpdate(jobId).collectList().flatMap(tasks -> {
                State state = new State(found.job(), tasks, newResults);
                return Flux.range(0, events.size())
                        .concatMap(k -> inContext.around(k, step(state, events.get(k))))
                        .collectList()
                        .flatMap(changeOfEach -> write(jobId, state).map(saved -> changeOfEach.stream()
                                .map(change -> change < 0 ? Optional.<SavedChange>empty()
                                        : Optional.of(saved.get(change)))
                                .toList()));
            });
        });
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
            return Mono.just(change(state, false));
        }
        // a job inserted now comes back as stored; one recorded meanwhile (not by this batch) is read
        return applier.recorded(event).flatMap(inserted -> inserted.map(Mono::just)
                        .orElseGet(() -> store.findJobWithMediaForUpdate(event.jobId()))
                        .map(job -> {
                            state.job = job;
                            return change(state, inserted.isPresent());
                        })
                        .defaultIfEmpty(-1));
    }

    private Mono<Integer> taskEvent(State state, JobEvent event) {
        // every attempt of every run goes into the attempts log, also those the task row no longer follows
        return attempts.record(event).then(Mono.defer(() -> {
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
        }));
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

    /**
     * Each changed task once, the job once with its version raised by its number of changes; the caller marks the
     * changes pending after the batch's last write ({@link JobSnapshots#markPending}).
     */
    private Mono<List<SavedChange>> write(UUID jobId, State state) {
        Mono<Void> tasks = Flux.fromIterable(state.changedTasks.values()).concatMap(store::saveTask).then();
        if (state.changes.isEmpty()) {
            return tasks.thenReturn(List.of());
        }
        return tasks.then(Flux.concat(state.jobSaved).then())
                .then(store.saveJobVersioned(state.job.job(), state.changes.size()))
                .map(saved -> JobSnapshots.saved(state.changes, saved.version(), state.job.media()));
    }

    /** One job's state while its events are folded. */
    private static final class State {
        JobWithMedia job;
        final Map<WorkerKind, TaskRow> tasks = new EnumMap<>(WorkerKind.class);
        final Map<WorkerKind, TaskRow> changedTasks = new EnumMap<>(WorkerKind.class);
        final List<JobStatusSnapshot> changes = new ArrayList<>();
        final List<Mono<Void>> jobSaved = new ArrayList<>();
        final NewResults newResults;

        State(JobWithMedia job, List<TaskRow> tasks, NewResults newResults) {
            this.job = job;
            this.newResults = newResults;
            tasks.forEach(t -> this.tasks.put(t.worker(), t));
        }
    }
}
