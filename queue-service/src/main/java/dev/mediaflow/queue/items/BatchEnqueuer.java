package dev.mediaflow.queue.items;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.web.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /api/queue/enqueue}: every media item of some batches of a project is queued again. Their jobs
 * that still wait (queued, pending) are cancelled first, so an item is not processed twice over; a job already
 * processing finishes. Each media item gets one new job, with the operations, attempts and batch of its latest
 * job in those batches and that job's priority unless the request names one. Both steps are set-based: the waiting
 * jobs are cancelled in one transaction ({@link SetBasedCancel}) and the new jobs recorded in one more
 * ({@link SetBasedEnqueue}); what another transaction held at that moment goes one by one after it ({@link JobActions},
 * {@link JobEnqueuer}), and a job or an item that changed meanwhile (finished, deleted, expired) is skipped, not
 * counted. The whole runs to its end even when the caller stops waiting: a batch is never left with its waiting jobs
 * cancelled and only some of its items queued again. Nothing of those batches visible to the caller: 404, like an
 * unknown id.
 */
@Service
public class BatchEnqueuer {

    private static final Logger log = LoggerFactory.getLogger(BatchEnqueuer.class);
    private static final List<JobStatus> WAITING = List.of(JobStatus.PENDING, JobStatus.QUEUED);

    private final JobStore store;
    private final JobActions actions;
    private final JobEnqueuer enqueuer;
    private final SetBasedCancel setBasedCancel;
    private final SetBasedEnqueue setBasedEnqueue;

    public BatchEnqueuer(JobStore store, JobActions actions, JobEnqueuer enqueuer, SetBasedCancel setBasedCancel,
                         SetBasedEnqueue setBasedEnqueue) {
        this.store = store;
        this.actions = actions;
        this.enqueuer = enqueuer;
        this.setBasedCancel = setBasedCancel;
        this.setBasedEnqueue = setBasedEnqueue;
    }

    public Mono<BatchEnqueueResponse> enqueue(BatchEnqueueRequest request, Caller caller) {
        return Mono.defer(() -> {
            String projectId = RequestFields.id("projectId", request.projectId());
            List<String> batchIds = batchIds(request);
            Integer priority = RequestFields.priority(request.priority());
            return store.latestJobsOfBatches(caller.ownerFilter(), projectId, batchIds).collectList()
                    .flatMap(latest -> {
                        if (latest.isEmpty()) {
                            return Mono.error(ApiException.notFound("no media items in batches " + batchIds
                                    + " of project " + projectId));
                        }
                        return BulkJobActions.toTheEnd(cancelWaiting(caller, projectId, batchIds)
                                .flatMap(cancelled -> enqueueAll(latest, priority, caller, projectId)
                                        .map(jobIds -> new BatchEnqueueResponse(true, jobIds, cancelled))));
                    })
                    .doOnNext(r -> log.info("{} queued {} media item(s) of project {} batches {} again; {} waiting "
                            + "job(s) cancelled", caller.owner(), r.jobIds().size(), projectId, batchIds,
                            r.canceledCount()));
        });
    }

    /** Runs before the new jobs exist, so none of them is cancelled. */
    private Mono<Long> cancelWaiting(Caller caller, String projectId, List<String> batchIds) {
        return BulkJobActions.thenOneByOne(
                setBasedCancel.cancelUnheld(caller.ownerFilter(), projectId, batchIds, WAITING),
                store.findJobIds(caller.ownerFilter(), projectId, batchIds, WAITING),
                id -> actions.cancel(id, caller).then(), "cancelled", projectId);
    }

    /**
     * A new job for each media item: together, then one by one those skipped (held by another change, or expired
     * or deleted meanwhile, which the single enqueue refuses); the new jobs' ids in the order of {@code latest}.
     */
    private Mono<List<UUID>> enqueueAll(List<JobRow> latest, Integer priority, Caller caller, String projectId) {
        Map<UUID, NewJob> newJobs = new LinkedHashMap<>();
        latest.forEach(job -> newJobs.put(job.mediaItemId(), again(job, priority)));
        return setBasedEnqueue.enqueueUnheld(newJobs, caller, projectId).flatMap(together -> Flux
                .fromIterable(newJobs.entrySet())
                .concatMap(item -> together.containsKey(item.getKey())
                        ? Mono.just(together.get(item.getKey()))
                        : enqueuer.enqueue(item.getKey(), item.getValue(), caller).map(JobRow::id)
                        // deleted or expired meanwhile: nothing to queue
                        .onErrorResume(BulkJobActions::changedMeanwhile, e -> Mono.empty()))
                .collectList());
    }

    private static NewJob again(JobRow latest, Integer priority) {
        return new NewJob(latest.operations(), latest.maxAttempts(),
                priority != null ? priority : latest.priority(), latest.projectId(), latest.batchId());
    }

    private static List<String> batchIds(BatchEnqueueRequest request) {
        if (request.batchId() == null && request.batchIds() == null) {
            throw ApiException.badRequest("batchId or batchIds is required");
        }
        if (request.batchIds() != null && request.batchIds().isEmpty() && request.batchId() == null) {
            throw ApiException.badRequest("batchIds must name at least one batch");
        }
        Set<String> ids = new LinkedHashSet<>();
        if (request.batchId() != null) {
            ids.add(RequestFields.id("batchId", request.batchId()));
        }
        if (request.batchIds() != null) {
            for (String id : request.batchIds()) {
                ids.add(RequestFields.id("batchIds[]", id));
            }
        }
        return new ArrayList<>(ids);
    }
}
