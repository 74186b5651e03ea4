package dev.mediaflow.queue.items;

import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.queue.expiry.LiveMedia;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatusDeriver;
import dev.mediaflow.queue.messaging.TaskOutbox;
import dev.mediaflow.queue.meters.JobMeters;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.JobStatusSnapshot;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.MediaItemRow;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Cancel and retry of one queue item. Each runs in one transaction holding the job's lock, so
 * status events of the job wait until it is done. A cancel whose Redis flag ({@link CancelFlags}) fails rolls back; a
 * retry writes its task messages to the outbox in the same transaction, so a committed run is
 * always published (after the commit) and a rolled-back one never is: a run number is never
 * used twice.
 * The committed job reaches Redis through {@link JobSnapshots}.
 */
@Service
public class JobActions {

    private static final Logger log = LoggerFactory.getLogger(JobActions.class);

    private final JobStore store;
    private final JobSnapshots snapshots;
    private final TaskOutbox outbox;
    private final CancelFlags flags;
    private final JobMeters meters;
    private final Clock clock;

    public JobActions(JobStore store, JobSnapshots snapshots, TaskOutbox outbox, CancelFlags flags, JobMeters meters,
                      Clock clock) {
        this.store = store;
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.flags = flags;
        this.meters = meters;
        this.clock = clock;
    }

    /** queued / pending / processing become cancelled; workers learn it from {@link CancelFlags}. */
    public Mono<JobRow> cancel(UUID queueId, Caller caller) {
        Mono<JobStatusSnapshot> change = lockedVisibleJob(queueId, caller).flatMap(job -> {
            if (!job.status().cancellable()) {
                return Mono.error(ApiException.conflict(
                        "queue item " + queueId + " is already " + job.status().json()));
            }
            JobRow cancelled = job.cancelledAt(clock.instant());
            return store.saveJob(cancelled)
                    .then(meters.jobSaved(job, cancelled))
                    .then(store.findTasks(queueId).collectList())
                    .flatMap(tasks -> flags.raise(List.of(cancelled))
                            .thenReturn(new JobStatusSnapshot(cancelled, JobStatusDeriver.progress(cancelled, tasks),
                                    clock.instant())));
        });
        return snapshots.commit(change)
                .doOnNext(job -> log.info("Job {} cancelled by {} (run {})", queueId, caller.owner(), job.run()));
    }

    /**
     * failed / cancelled start a new run: tasks reset and republished with attempt 1. A job whose media item
     * expired cannot run again (410); the transaction rolls back.
     */
    public Mono<JobRow> retry(UUID queueId, Caller caller) {
        Mono<JobStatusSnapshot> change = lockedVisibleJob(queueId, caller).flatMap(job -> {
            if (!job.status().retryable()) {
                return Mono.error(ApiException.conflict("queue item " + queueId + " is " + job.status().json()
                        + "; only failed or cancelled items can be retried"));
            }
            JobRow next = job.nextRun();
            return store.saveJob(next)
                    .then(store.resetTasks(next))
                    .then(store.findMediaItemForShare(job.mediaItemId()))
                    // its media item is being deleted: the job is about to go, like every route for it
                    .switchIfEmpty(Mono.error(() -> ApiException.notFound("no queue item " + queueId)))
                    .map(LiveMedia::require)
                    .flatMap(media -> outbox.add(tasks(media, next)))
                    .then(Mono.fromSupplier(() -> new JobStatusSnapshot(next, 0, clock.instant())));
        });
        return snapshots.commit(change)
                .doOnNext(job -> log.info("Job {} retried by {}: run {}", queueId, caller.owner(), job.run()));
    }

    private Mono<JobRow> lockedVisibleJob(UUID queueId, Caller caller) {
        return store.lockJob(queueId)
                .then(store.findJobForUpdate(queueId))
                .filter(job -> caller.canSee(job.owner()))
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no queue item " + queueId)));
    }

    /** The task messages of the job's current run, one per worker kind it needs. */
    public static List<TaskMessage> tasks(MediaItemRow media, JobRow job) {
        return new JobSubmission(job.id(), media.id(), job.owner(), media.originalFilename(), media.mediaType(),
                media.fileSize(), media.sha256(), media.inputPath(), media.outputDir(), job.operations(),
                job.priority(), job.maxAttempts(), job.projectId(), job.batchId(), job.run(), media.createdAt(), null)
                .tasks();
    }
}
