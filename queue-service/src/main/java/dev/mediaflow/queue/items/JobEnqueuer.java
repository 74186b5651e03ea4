package dev.mediaflow.queue.items;

import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.PriorityRule;
import dev.mediaflow.observability.RequestCorrelation;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.expiry.LiveMedia;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.messaging.TaskOutbox;
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
import java.util.UUID;

/**
 * Processes an existing media item again as a new job (run 1). The job row and its task
 * messages (in the outbox) share one transaction; the messages are published after the commit,
 * as often as it takes for the broker to confirm them. An expired media item has no original left: 410.
 */
@Service
public class JobEnqueuer {

    private static final Logger log = LoggerFactory.getLogger(JobEnqueuer.class);

    private final JobStore store;
    private final JobSnapshots snapshots;
    private final TaskOutbox outbox;
    private final MediaflowProperties properties;
    private final Clock clock;

    public JobEnqueuer(JobStore store, JobSnapshots snapshots, TaskOutbox outbox,
                       MediaflowProperties properties, Clock clock) {
        this.store = store;
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
    }

    public Mono<JobRow> enqueue(UUID mediaItemId, EnqueueRequest request, Caller caller) {
        return Mono.fromSupplier(() -> new NewJob(request.validOperations(), request.validMaxAttempts(), null, null,
                null)).flatMap(job -> enqueue(mediaItemId, job, caller));
    }

    /**
     * Starts {@code job} for the media item, visible to {@code caller} and not being deleted (else 404), in one
     * transaction with its task messages.
     */
    Mono<JobRow> enqueue(UUID mediaItemId, NewJob newJob, Caller caller) {
        Mono<JobStatusSnapshot> change = RequestCorrelation.current().flatMap(correlationId ->
                store.findMediaItemForShare(mediaItemId)
                        .filter(media -> caller.canSee(media.owner()))
                        .switchIfEmpty(Mono.error(() -> ApiException.notFound("no media item " + mediaItemId)))
                        .map(LiveMedia::require)
                        .flatMap(media -> {
                            JobSubmission submission = submission(media, newJob, correlationId.orElse(null));
                            return store.insertJob(submission)
                                    .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                                            "job id " + submission.jobId() + " is taken")))
                                    .flatMap(job -> outbox.add(JobActions.tasks(media, job))
                                            .thenReturn(new JobStatusSnapshot(job, 0, clock.instant())));
                        }));
        return snapshots.commit(change)
                .doOnNext(job -> log.info("Media item {} enqueued again by {} as job {} (operations {}, priority {})",
                        mediaItemId, caller.owner(), job.id(), job.operations(), job.priority()));
    }

    /** @param correlationId the enqueue request's: the new job's tasks go out with it, like an upload's */
    JobSubmission submission(MediaItemRow media, NewJob job, String correlationId) {
        int priority = job.priority() != null ? job.priority()
                : PriorityRule.priority(media.mediaType(), media.fileSize(), properties.maxUploadBytes());
        return new JobSubmission(UUID.randomUUID(), media.id(), media.owner(), media.originalFilename(),
                media.mediaType(), media.fileSize(), media.sha256(), media.inputPath(), media.outputDir(),
                job.operations(), priority, job.maxAttempts(), job.projectId(), job.batchId(), 1, clock.instant(),
                correlationId);
    }
}
