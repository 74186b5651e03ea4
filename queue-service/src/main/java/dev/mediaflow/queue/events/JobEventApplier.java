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
import dev.mediaflow.queue.status.SavedChange;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.JobWithMedia;
import dev.mediaflow.queue.store.VersionedJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Applies one status event to PostgreSQL in one transaction, serialised per job, then mirrors
 * the job into Redis through its versioned snapshot ({@link JobSnapshots}), so a slower applier of
 * an older change can never overwrite a newer one there. Applying the same set of events in any
 * order, with duplicates, ends in the same rows.
 *
 * <p>A task event costs few round trips (issue 14, section 3): after the job's lock, one read gives the deleted
 * flag, the job (locked) and its media item; one the task rows (locked); the writes return what they stored, and
 * the job's update bumps its version in the same statement, so the snapshot needs only the results and the
 * attempts log read again. Whatever fails on the way rolls the whole event back, Redis untouched but for a pending
 * mark that makes readers ask PostgreSQL.
 */
@Service
public class JobEventApplier {

    private static final Logger log = LoggerFactory.getLogger(JobEventApplier.class);

    private final JobStore store;
    private final TransactionalOperator tx;
    private final JobSnapshots snapshots;
    private final AttemptLog attempts;
    private final JobMeters meters;
    private final Clock clock;

    public JobEventApplier(JobStore store, TransactionalOperator tx, JobSnapshots snapshots,
                           AttemptLog attempts, JobMeters meters, Clock clock) {
        this.store = store;
        this.tx = tx;
        this.snapshots = snapshots;
        this.attempts = attempts;
        this.meters = meters;
        this.clock = clock;
    }

    /** Applies one event in a transaction of its own. @return true when the event changed something */
    public Mono<Boolean> apply(JobEvent event) {
        JobEvent timed = prepared(event);
        Mono<Optional<ItemSnapshot>> change = store.lockJob(timed.jobId())
                .then(changeLocked(timed))
                .flatMap(saved -> snapshots.itemsOf(List.of(saved)))
                .map(taken -> taken.get(0));
        return tx.transactional(change)
                .defaultIfEmpty(Optional.empty())
                .flatMap(this::mirror);
    }

    /** Checks that the event can be applied at all, and gives it the time it is applied when it carries none. */
    JobEvent prepared(JobEvent event) {
        EventValidation.check(event);
        return event.at() != null ? event : withTime(event);
    }

    /**
     * The change of one {@link #prepared} event in the caller's transaction, which holds the job's lock
     * ({@link JobStore#lockJob}): its rows, and the saved change whose snapshot the caller takes after the
     * transaction's last write ({@link JobSnapshots#itemsOf}) and {@link #mirror} writes once it commits.
     */
    Mono<Optional<SavedChange>> changeLocked(JobEvent timed) {
        return timed.type() == EventType.JOB_SUBMITTED ? submitted(timed) : taskEvent(timed);
    }

    /**
     * After the commit of {@link #changeLocked}: the snapshot to Redis (published to the job's streams).
     * @return true when the event changed something
     */
    Mono<Boolean> mirror(Optional<ItemSnapshot> snapshot) {
        return snapshot.isEmpty()
                ? Mono.just(false)
                : snapshots.write(snapshot.get()).thenReturn(true);
    }

    static void ignoreDeleted(JobEvent event) {
        log.info("Ignoring {} of job {}: its media item was deleted", event.type().routingKey(), event.jobId());
    }

    private Mono<Optional<SavedChange>> submitted(JobEvent event) {
        return store.isDeleted(event.jobId()).flatMap(deleted -> {
            if (deleted) {
                ignoreDeleted(event);
                return Mono.just(Optional.<SavedChange>empty());
            }
            return record(event);
        });
    }

    private Mono<Optional<SavedChange>> record(JobEvent event) {
        return recorded(event).flatMap(inserted -> recompute(event.jobId(), inserted.isPresent()));
    }

    /**
     * Inserts the media item and the job of a {@code job.submitted} (nothing when they are recorded already) and a
     * duplicate's reused results, in the caller's transaction, which holds the job's lock.
     *
     * @return the job with its media item as stored when the job was inserted now (then its change is saved and
     *         published even if deriving it from its tasks changes nothing), else empty
     */
    Mono<Optional<JobWithMedia>> recorded(JobEvent event) {
        return store.insertSubmission(event.submission())
                .flatMap(inserted -> recorded(event, inserted).thenReturn(Optional.of(inserted)))
                .defaultIfEmpty(Optional.empty());
    }

    /**
     * What follows the insert of a {@code job.submitted}'s job, in the same transaction: a duplicate's reused results
     * (the job is completed when it is recorded), and the log line, written when subscribed, so that it carries the
     * event's log context.
     */
    Mono<Void> recorded(JobEvent event, JobWithMedia inserted) {
        return Mono.defer(() -> {
            JobSubmission submission = event.submission();
            if (submission.isDuplicate()) {
                log.info("Job {} recorded as completed: media item {} of {} repeats media item {} and reuses its "
                                + "results {}", event.jobId(), event.mediaItemId(), event.owner(),
                        submission.duplicateOf(), submission.reusedResults().keySet());
                JobRow job = inserted.job();
                return store.saveResults(submission.mediaItemId(), submission.jobId(), submission.reusedResults(),
                                submission.createdAt())
                        .then(meters.jobSaved(job.withStatus(JobStatus.QUEUED), job));
            }
            log.info("Job {} recorded (media item {}, owner {}, operations {})", event.jobId(), event.mediaItemId(),
                    event.owner(), submission.operations());
            return Mono.empty();
        });
    }

    private Mono<Optional<SavedChange>> taskEvent(JobEvent event) {
        return store.findJobForEvent(event.jobId()).flatMap(found -> {
            if (found.deleted()) {
                ignoreDeleted(event);
                return Mono.just(Optional.<SavedChange>empty());
            }
            JobWithMedia job = found.job();
            // every attempt of every run goes into the attempts log, also those the task row no longer follows
            return attempts.record(event).then(Mono.defer(() -> {
                if (job != null && event.run() < job.job().run()) {
                    log.debug("Ignoring {} of job {} run {}: the job is at run {}", event.type().routingKey(),
                            event.jobId(), event.run(), job.job().run());
                    return Mono.just(Optional.<SavedChange>empty());
                }
                return store.findTasksForUpdate(event.jobId()).collectList()
                        .flatMap(tasks -> taskChange(event, job, tasks));
            }));
        });
    }

    private Mono<Optional<SavedChange>> taskChange(JobEvent event, JobWithMedia job, List<TaskRow> tasks) {
        TaskRow before = tasks.stream().filter(t -> t.worker() == event.worker()).findFirst().orElse(null);
        TaskRow after = TaskTransition.apply(before, event);
        if (after == before) {
            log.debug("{} of job {} ({} run {} attempt {}) changes nothing", event.type().routingKey(),
                    event.jobId(), event.worker().json(), event.run(), event.attempt());
            return Mono.just(Optional.empty());
        }
        Mono<Void> results = bringsResults(before, after, event)
                ? snapshots.resultsChanged(event.mediaItemId(),
                        store.saveResults(event.mediaItemId(), event.jobId(), event.results(), event.at()))
                : Mono.empty();
        return store.saveTaskReturning(after).flatMap(saved -> {
            if (job == null) {
                return results.thenReturn(Optional.<SavedChange>empty());
            }
            List<TaskRow> now = new ArrayList<>(tasks);
            now.removeIf(t -> t.worker() == saved.worker());
            now.add(saved);
            now.sort(Comparator.comparing(t -> t.worker().json()));
            return meters.taskSaved(job.job(), before, saved)
                    .then(results)
                    .then(recompute(job, now, true));
        });
    }

    /** Whether the event, moving its task from {@code before} to {@code after}, brings new results to save. */
    static boolean bringsResults(TaskRow before, TaskRow after, JobEvent event) {
        return becameSucceeded(before, after) && event.results() != null && !event.results().isEmpty();
    }

    private static boolean becameSucceeded(TaskRow before, TaskRow after) {
        return after.status() == TaskStatus.SUCCEEDED
                && (before == null || before.status() != TaskStatus.SUCCEEDED || before.run() != after.run());
    }

    /** {@link #recompute(JobWithMedia, List, boolean)} of the job as PostgreSQL holds it now. */
    private Mono<Optional<SavedChange>> recompute(UUID jobId, boolean force) {
        return store.findJobWithMediaForUpdate(jobId)
                .flatMap(job -> store.findTasks(jobId).collectList().flatMap(tasks -> recompute(job, tasks, force)))
                .defaultIfEmpty(Optional.empty());
    }

    /**
     * Derives the job from its tasks and, when the job changed or {@code force}, saves it with a new version in
     * one statement and takes the snapshot for Redis.
     */
    private Mono<Optional<SavedChange>> recompute(JobWithMedia current, List<TaskRow> tasks, boolean force) {
        JobRow job = current.job();
        JobRow derived = JobStatusDeriver.derive(job, tasks);
        boolean changed = !derived.equals(job);
        if (!changed && !force) {
            return Mono.just(Optional.empty());
        }
        if (changed && derived.status() != job.status()) {
            log.info("Job {} {} -> {} (run {}, attempts {})", job.id(), job.status().json(),
                    derived.status().json(), derived.run(), derived.attempts());
        }
        Mono<VersionedJob> save = changed
                ? store.saveJobVersioned(derived).flatMap(saved -> meters.jobSaved(job, derived).thenReturn(saved))
                : store.bumpVersionReturning(job.id());
        return save.flatMap(saved -> snapshots.markSaved(new JobStatusSnapshot(saved.job(),
                        JobStatusDeriver.progress(saved.job(), tasks), clock.instant()), saved.version(),
                current.media()))
                .map(Optional::of);
    }

    private JobEvent withTime(JobEvent e) {
        return new JobEvent(e.eventId(), e.type(), e.jobId(), e.mediaItemId(), e.owner(), e.worker(), e.run(),
                e.attempt(), e.maxAttempts(), clock.instant(), e.workerId(), e.progress(), e.error(), e.durationMs(),
                e.results(), e.submission());
    }
}
