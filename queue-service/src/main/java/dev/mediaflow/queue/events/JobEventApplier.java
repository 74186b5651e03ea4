package dev.mediaflow.queue.events;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.queue.attempts.AttemptLog;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.job.JobStatusDeriver;
import dev.mediaflow.queue.job.TaskRow;
import dev.mediaflow.queue.job.TaskStatus;
import dev.mediaflow.queue.job.TaskTransition;
import dev.mediaflow.queue.meters.JobMeters;
import dev.mediaflow.queue.status.ItemSnapshot;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.JobStatusSnapshot;
import dev.mediaflow.queue.status.StatusReconciler;
import dev.mediaflow.queue.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * Applies one status event to PostgreSQL in one transaction, serialised per job, then mirrors
 * the job into Redis through its versioned snapshot ({@link JobSnapshots}), so a slower applier of
 * an older change can never overwrite a newer one there. Applying the same set of events in any
 * order, with duplicates, ends in the same rows.
 */
@Service
public class JobEventApplier {

    private static final Logger log = LoggerFactory.getLogger(JobEventApplier.class);

    private final JobStore store;
    private final TransactionalOperator tx;
    private final JobSnapshots snapshots;
    private final StatusReconciler reconciler;
    private final AttemptLog attempts;
    private final JobMeters meters;
    private final Clock clock;

    public JobEventApplier(JobStore store, TransactionalOperator tx, JobSnapshots snapshots,
                           StatusReconciler reconciler, AttemptLog attempts, JobMeters meters, Clock clock) {
        this.store = store;
        this.tx = tx;
        this.snapshots = snapshots;
        this.reconciler = reconciler;
        this.attempts = attempts;
        this.meters = meters;
        this.clock = clock;
    }

    /** @return true when the event changed something */
    public Mono<Boolean> apply(JobEvent event) {
        EventValidation.check(event);
        JobEvent timed = event.at() != null ? event : withTime(event);
        Mono<Optional<ItemSnapshot>> change = store.lockJob(timed.jobId())
                .then(store.isDeleted(timed.jobId()))
                .flatMap(deleted -> {
                    if (deleted) {
                        log.info("Ignoring {} of job {}: its media item was deleted", timed.type().routingKey(),
                                timed.jobId());
                        return Mono.just(Optional.<JobStatusSnapshot>empty());
                    }
                    return timed.type() == EventType.JOB_SUBMITTED ? submitted(timed) : taskEvent(timed);
                })
                .flatMap(snapshot -> snapshot.isEmpty()
                        ? Mono.just(Optional.<ItemSnapshot>empty())
                        : optional(snapshots.capture(snapshot.get())));
        return tx.transactional(change)
                .flatMap(snapshot -> snapshot.isEmpty()
                        ? Mono.just(false)
                        : snapshots.write(snapshot.get()).thenReturn(true))
                .defaultIfEmpty(false)
                .flatMap(changed -> hasResults(timed)
                        ? reconciler.refreshOtherJobs(timed.mediaItemId(), timed.jobId()).thenReturn(changed)
                        : Mono.just(changed));
    }

    private static boolean hasResults(JobEvent event) {
        return event.type() == EventType.TASK_SUCCEEDED && event.results() != null && !event.results().isEmpty();
    }

    private Mono<Optional<JobStatusSnapshot>> submitted(JobEvent event) {
        JobSubmission submission = event.submission();
        return store.insertMediaItem(submission)
                .then(store.insertJob(submission))
                .flatMap(inserted -> {
                    if (inserted == 0) {
                        return recompute(event.jobId(), false);
                    }
                    if (submission.isDuplicate()) {
                        log.info("Job {} recorded as completed: media item {} of {} repeats media item {} and "
                                        + "reuses its results {}", event.jobId(), event.mediaItemId(), event.owner(),
                                submission.duplicateOf(), submission.reusedResults().keySet());
                        return store.saveResults(submission.mediaItemId(), submission.jobId(),
                                        submission.reusedResults(), submission.createdAt())
                                .then(store.findJob(submission.jobId()))
                                .flatMap(job -> meters.jobSaved(job.withStatus(JobStatus.QUEUED), job))
                                .then(recompute(event.jobId(), true));
                    }
                    log.info("Job {} recorded (media item {}, owner {}, operations {})", event.jobId(),
                            event.mediaItemId(), event.owner(), submission.operations());
                    return recompute(event.jobId(), true);
                });
    }

    private Mono<Optional<JobStatusSnapshot>> taskEvent(JobEvent event) {
        // every attempt of every run goes into the attempts log, also those the task row no longer follows
        return attempts.record(event).then(optional(store.findJobForUpdate(event.jobId()))).flatMap(job -> {
            if (job.isPresent() && event.run() < job.get().run()) {
                log.debug("Ignoring {} of job {} run {}: the job is at run {}", event.type().routingKey(),
                        event.jobId(), event.run(), job.get().run());
                return Mono.just(Optional.<JobStatusSnapshot>empty());
            }
            return optional(store.findTaskForUpdate(event.jobId(), event.worker())).flatMap(current -> {
                TaskRow before = current.orElse(null);
                TaskRow after = TaskTransition.apply(before, event);
                if (after == before) {
                    log.debug("{} of job {} ({} run {} attempt {}) changes nothing", event.type().routingKey(),
                            event.jobId(), event.worker().json(), event.run(), event.attempt());
                    return Mono.just(Optional.<JobStatusSnapshot>empty());
                }
                Mono<Void> results = becameSucceeded(before, after) && event.results() != null
                        && !event.results().isEmpty()
                        ? store.saveResults(event.mediaItemId(), event.jobId(), event.results(), event.at())
                                .then(snapshots.otherJobsChanged(event.mediaItemId(), event.jobId()))
                        : Mono.empty();
                return store.saveTask(after)
                        .then(job.isPresent() ? meters.taskSaved(job.get(), before, after) : Mono.empty())
                        .then(results)
                        .then(job.isPresent()
                                ? recompute(event.jobId(), true)
                                : Mono.just(Optional.<JobStatusSnapshot>empty()));
            });
        });
    }

    private static boolean becameSucceeded(TaskRow before, TaskRow after) {
        return after.status() == TaskStatus.SUCCEEDED
                && (before == null || before.status() != TaskStatus.SUCCEEDED || before.run() != after.run());
    }

    /** Derives the job from its tasks; a snapshot comes back when the job changed or {@code force}. */
    private Mono<Optional<JobStatusSnapshot>> recompute(UUID jobId, boolean force) {
        return store.findJobForUpdate(jobId)
                .flatMap(job -> store.findTasks(jobId).collectList().flatMap(tasks -> {
                    JobRow derived = JobStatusDeriver.derive(job, tasks);
                    boolean changed = !derived.equals(job);
                    if (changed && derived.status() != job.status()) {
                        log.info("Job {} {} -> {} (run {}, attempts {})", jobId, job.status().json(),
                                derived.status().json(), derived.run(), derived.attempts());
                    }
                    Mono<Void> save = changed
                            ? store.saveJob(derived).then(meters.jobSaved(job, derived))
                            : Mono.empty();
                    JobStatusSnapshot snapshot = new JobStatusSnapshot(derived,
                            JobStatusDeriver.progress(derived, tasks), clock.instant());
                    return save.thenReturn(changed || force ? Optional.of(snapshot) : Optional.<JobStatusSnapshot>empty());
                }))
                .defaultIfEmpty(Optional.empty());
    }

    private JobEvent withTime(JobEvent e) {
        return new JobEvent(e.eventId(), e.type(), e.jobId(), e.mediaItemId(), e.owner(), e.worker(), e.run(),
                e.attempt(), e.maxAttempts(), clock.instant(), e.workerId(), e.progress(), e.error(), e.durationMs(),
                e.results(), e.submission());
    }

    private static <T> Mono<Optional<T>> optional(Mono<T> mono) {
        return mono.map(Optional::of).defaultIfEmpty(Optional.empty());
    }
}
