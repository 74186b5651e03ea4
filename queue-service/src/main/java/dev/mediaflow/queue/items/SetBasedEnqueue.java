package dev.mediaflow.queue.items;

import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.observability.RequestCorrelation;
import dev.mediaflow.queue.messaging.TaskOutbox;
import dev.mediaflow.queue.status.ItemSnapshot;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.JobStatusSnapshot;
import dev.mediaflow.queue.status.SavedChange;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.MediaItemRow;
import dev.mediaflow.queue.store.VersionedJob;
import dev.mediaflow.queue.web.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The set-based part of {@code POST /api/queue/enqueue}: a new job for each of many media items in one transaction of
 * a few statements, with what {@link JobEnqueuer} does for one: the media item share-locked (an expiry or a deletion
 * waits for the commit), the job recorded with its version, its task messages in the outbox (published after the
 * commit, with the request's correlation id) and its Redis snapshot marked pending in the transaction and written
 * after it. A media item whose row another transaction holds, or that expired or is being deleted, is skipped, never
 * waited for: {@link BatchEnqueuer} queues the skipped ones one by one, which answers for each as a single enqueue
 * does.
 */
@Service
public class SetBasedEnqueue {

    private static final Logger log = LoggerFactory.getLogger(SetBasedEnqueue.class);

    private final JobStore store;
    private final JobEnqueuer enqueuer;
    private final TaskOutbox outbox;
    private final JobSnapshots snapshots;
    private final Clock clock;

    public SetBasedEnqueue(JobStore store, JobEnqueuer enqueuer, TaskOutbox outbox, JobSnapshots snapshots,
                           Clock clock) {
        this.store = store;
        this.enqueuer = enqueuer;
        this.outbox = outbox;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    /**
     * Starts {@code newJobs} (by media item id) for the media items {@code caller} can see and no other transaction
     * holds, in one transaction.
     *
     * @return the new job's id of each media item it queued
     */
    public Mono<Map<UUID, UUID>> enqueueUnheld(Map<UUID, NewJob> newJobs, Caller caller, String projectId) {
        return Mono.defer(() -> enqueueOnce(newJobs, caller, projectId));
    }

    private Mono<Map<UUID, UUID>> enqueueOnce(Map<UUID, NewJob> newJobs, Caller caller, String projectId) {
        Map<UUID, UUID> queued = new ConcurrentHashMap<>();
        Mono<List<ItemSnapshot>> change = RequestCorrelation.current().flatMap(correlationId ->
                store.lockLiveMediaWithoutWaiting(newJobs.keySet())
                        .filter(media -> caller.canSee(media.owner()))
                        .collectList()
                        .flatMap(locked -> {
                            if (locked.isEmpty()) {
                                return Mono.just(List.<ItemSnapshot>of());
                            }
                            Map<UUID, MediaItemRow> media = new LinkedHashMap<>();
                            List<JobSubmission> submissions = new ArrayList<>();
                            for (MediaItemRow item : locked) {
                                media.put(item.id(), item);
                                submissions.add(enqueuer.submission(item, newJobs.get(item.id()),
                                        correlationId.orElse(null)));
                            }
                            return start(submissions, media, queued);
                        }));
        return snapshots.commitAll(change, (jobs, transactionMs, snapshotsMs) -> log.info("{} media item(s) of "
                        + "project {} queued again in one transaction of {} ms; their Redis snapshots written in {} "
                        + "ms after it", jobs, projectId, transactionMs, snapshotsMs))
                .map(count -> Map.copyOf(queued));
    }

    /** In the transaction, the media items locked: records the jobs, writes their tasks, takes their snapshots. */
    private Mono<List<ItemSnapshot>> start(List<JobSubmission> submissions, Map<UUID, MediaItemRow> media,
                                           Map<UUID, UUID> queued) {
        return store.insertJobs(submissions).collectList().flatMap(jobs -> {
            if (jobs.size() != submissions.size()) {
                // new ids: this cannot happen, and the transaction rolls back if it does
                return Mono.error(new IllegalStateException("recorded " + jobs.size() + " of "
                        + submissions.size() + " new jobs"));
            }
            List<TaskMessage> tasks = new ArrayList<>();
            List<SavedChange> saved = new ArrayList<>(jobs.size());
            Instant now = clock.instant();
            Map<UUID, VersionedJob> byMedia = jobs.stream()
                    .collect(Collectors.toMap(j -> j.job().mediaItemId(), Function.identity()));
            for (MediaItemRow item : media.values()) {
                VersionedJob job = byMedia.get(item.id());
                tasks.addAll(JobActions.tasks(item, job.job()));
                saved.add(new SavedChange(new JobStatusSnapshot(job.job(), 0, now), job.version(), item));
                queued.put(item.id(), job.job().id());
            }
            return outbox.add(tasks).then(Mono.defer(() -> snapshots.captureAll(saved)));
        });
    }
}
