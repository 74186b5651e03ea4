package dev.mediaflow.queue.items;

import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Cancel and retry of many jobs of a project. A cancel is set-based: {@link SetBasedCancel} cancels in one
 * transaction every job that no other transaction holds; then the jobs still cancellable (the few it skipped because
 * an event of theirs was being applied, and any queued since) are cancelled one by one ({@link JobActions}, which
 * waits for them). A retry of every failed job is set-based too ({@link SetBasedRetry}), then the jobs it skipped (held
 * by another change, or with an expired media item, which the single retry refuses) go one by one. A job that
 * changed state since it was selected, or whose media item expired, is skipped, not counted.
 */
@Service
public class BulkJobActions {

    private static final Logger log = LoggerFactory.getLogger(BulkJobActions.class);

    /** Jobs acted on one by one at once: a fifth of the default R2DBC pool (20), so other requests still get one. */
    static final int CONCURRENCY = 4;

    private final JobStore store;
    private final JobActions actions;
    private final SetBasedCancel setBased;
    private final SetBasedRetry setBasedRetry;

    public BulkJobActions(JobStore store, JobActions actions, SetBasedCancel setBased, SetBasedRetry setBasedRetry) {
        this.store = store;
        this.actions = actions;
        this.setBased = setBased;
        this.setBasedRetry = setBasedRetry;
    }

    public Mono<Long> cancel(BulkCancelRequest request, Caller caller) {
        return Mono.defer(() -> {
            String projectId = requireProject(request.projectId());
            Mono<Long> work = thenOneByOne(setBased.cancelUnheld(caller.ownerFilter(), projectId, request.batchIds()),
                    store.findJobIds(caller.ownerFilter(), projectId, request.batchIds(), SetBasedCancel.CANCELLABLE),
                    id -> actions.cancel(id, caller).then(), "cancelled", projectId);
            return toTheEnd(work)
                    .doOnNext(n -> log.info("{} cancelled {} job(s) of project {} (batches {})", caller.owner(), n,
                            projectId, request.batchIds() == null ? "all" : request.batchIds()));
        });
    }

    public Mono<Long> retry(BulkRetryRequest request, Caller caller) {
        return Mono.defer(() -> {
            String projectId = requireProject(request.projectId());
            if (request.jobId() != null && !request.jobId().isBlank()) {
                return retryOne(ItemQueryParser.queueId(request.jobId()), projectId, caller);
            }
            if (!Boolean.TRUE.equals(request.retryAll())) {
                throw ApiException.badRequest("give a jobId, or retryAll: true to retry every failed job of the project");
            }
            Mono<Long> work = thenOneByOne(setBasedRetry.retryUnheld(caller.ownerFilter(), projectId),
                    store.findJobIds(caller.ownerFilter(), projectId, null, List.of(JobStatus.FAILED)),
                    id -> actions.retry(id, caller).then(), "retried", projectId);
            return toTheEnd(work)
                    .doOnNext(n -> log.info("{} retried {} failed job(s) of project {}", caller.owner(), n, projectId));
        });
    }

    /** Errors as the single retry answers them: 404 when not visible or of another project, 409 when not retryable. */
    private Mono<Long> retryOne(UUID jobId, String projectId, Caller caller) {
        return store.findJob(jobId)
                .filter(job -> caller.canSee(job.owner()) && projectId.equals(job.projectId()))
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no queue item " + jobId + " in project " + projectId)))
                .flatMap(job -> actions.retry(jobId, caller))
                .thenReturn(1L);
    }

    /**
     * After the set-based part ({@code together}, the jobs it changed), the jobs still to act on (those it skipped
     * because another change held them, and any that came since) one by one, after that change; the sum of both.
     */
    static Mono<Long> thenOneByOne(Mono<Long> together, Flux<UUID> stillToDo, Function<UUID, Mono<Void>> action,
                                           String done, String projectId) {
        return together.flatMap(first -> countDone(stillToDo, action).map(alone -> {
            if (alone > 0) {
                log.info("{} job(s) of project {} were held by another change and {} one by one after it", alone,
                        projectId, done);
            }
            return first + alone;
        }));
    }

    /**
     * Acts on every job, {@value #CONCURRENCY} at a time, and counts those it changed. Each job is its own transaction
     * on its own row, so they do not wait for one another.
     */
    private static Mono<Long> countDone(Flux<UUID> ids, Function<UUID, Mono<Void>> action) {
        return ids.collectList()
                .flatMapMany(Flux::fromIterable)
                .flatMap(id -> action.apply(id).thenReturn(1L).onErrorResume(BulkJobActions::changedMeanwhile,
                        e -> Mono.just(0L)), CONCURRENCY)
                .reduce(0L, Long::sum);
    }

    /**
     * The action goes on to its end when the caller stops waiting (a timeout, a closed connection): a bulk action is
     * never left half done because its answer was late (one job at a time, a project of 3,000 jobs took longer than
     * the gateway waits, docs/performance.md, section 2). It keeps the request's context (its correlation id, which
     * the retried tasks carry, and the log lines' ids), which a subscription of its own would not have.
     */
    static <T> Mono<T> toTheEnd(Mono<T> work) {
        return Mono.deferContextual(context -> Mono.fromFuture(() -> work.contextWrite(context).toFuture(), true));
    }

    /** A job that left the state it was selected in, or went, meanwhile: skipped, not counted. */
    static boolean changedMeanwhile(Throwable e) {
        return e instanceof ApiException api
                && (api.status() == HttpStatus.CONFLICT.value() || api.status() == HttpStatus.NOT_FOUND.value()
                || api.status() == HttpStatus.GONE.value());
    }

    private static String requireProject(String projectId) {
        if (projectId == null || projectId.isBlank()) {
            throw ApiException.badRequest("projectId is required");
        }
        return projectId;
    }
}
