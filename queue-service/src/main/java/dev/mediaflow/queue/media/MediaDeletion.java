package dev.mediaflow.queue.media;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.InternalMediaApi;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.items.JobActions;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.web.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The record's side of {@code DELETE /api/media/{id}}, in the order the gateway drives it: {@link #start}
 * (no new job, unfinished jobs cancelled), {@link #running} until the workers let go, the gateway removes the
 * files, then {@link #finish} (rows and Redis keys). A deletion that stopped half way (the gateway died) is
 * taken up again by the next DELETE: {@link #start} accepts an item whose deletion has started.
 *
 * <p>Every cancel flag of the item's jobs is raised to the highest run there can be and left to expire with
 * {@code MEDIAFLOW_STATUS_TTL}: a task message still waiting in a queue or a retry delay is then skipped by the
 * worker that takes it, instead of failing on the missing files and ending in the parking lot. Events that
 * arrive after the rows are gone find the job's tombstone and change nothing.
 */
@Service
public class MediaDeletion {

    private static final Logger log = LoggerFactory.getLogger(MediaDeletion.class);
    /** Workers skip every task of a job whose flag is at least the task's run. */
    private static final String EVERY_RUN = Integer.toString(Integer.MAX_VALUE);

    private final MediaStore media;
    private final JobStore jobs;
    private final JobActions actions;
    private final TransactionalOperator tx;
    private final ReactiveStringRedisTemplate redis;
    private final RedisKeys keys;
    private final MediaflowProperties properties;

    public MediaDeletion(MediaStore media, JobStore jobs, JobActions actions, TransactionalOperator tx,
                         ReactiveStringRedisTemplate redis, RedisKeys keys, MediaflowProperties properties) {
        this.media = media;
        this.jobs = jobs;
        this.actions = actions;
        this.tx = tx;
        this.redis = redis;
        this.keys = keys;
        this.properties = properties;
    }

    public Mono<InternalMediaApi.DeletionStarted> start(UUID mediaItemId, Caller caller) {
        return visible(mediaItemId, caller).flatMap(item -> tx.transactional(media.markDeleting(mediaItemId))
                .then(media.jobIds(mediaItemId).collectList())
                .flatMap(jobIds -> Flux.fromIterable(jobIds)
                        .concatMap(jobId -> actions.cancel(jobId, caller).then()
                                .onErrorResume(MediaDeletion::alreadyFinal, e -> Mono.empty()))
                        .thenMany(Flux.fromIterable(jobIds).concatMap(this::cancelEveryRun))
                        .then(Mono.fromSupplier(() -> {
                            log.info("Deletion of media item {} (owner {}) started by {}: {} job(s) stopped",
                                    mediaItemId, item.owner(), caller.owner(), jobIds.size());
                            return new InternalMediaApi.DeletionStarted(mediaItemId, item.owner(), item.inputPath(),
                                    item.outputDir(), jobIds);
                        }))));
    }

    public Mono<InternalMediaApi.Running> running(UUID mediaItemId, Caller caller) {
        return visible(mediaItemId, caller).then(media.runningTasks(mediaItemId)).map(InternalMediaApi.Running::new);
    }

    public Mono<Void> finish(UUID mediaItemId, Caller caller) {
        return visible(mediaItemId, caller)
                .flatMap(item -> media.isDeleting(mediaItemId))
                .flatMap(deleting -> deleting ? Mono.empty() : Mono.error(ApiException.conflict(
                        "the deletion of media item " + mediaItemId + " has not started")))
                .then(media.jobIds(mediaItemId).collectList())
                .zipWith(media.attempts(mediaItemId).collectList())
                .flatMap(t -> {
                    List<UUID> jobIds = t.getT1();
                    Mono<Void> purge = Flux.fromIterable(jobIds.stream().sorted().toList())
                            .concatMap(jobs::lockJob)
                            .then(media.purge(mediaItemId));
                    return tx.transactional(purge)
                            .then(removeKeys(redisKeys(mediaItemId, jobIds, t.getT2())))
                            .doOnSuccess(done -> log.info("Media item {} deleted by {}: {} job(s) and their rows "
                                    + "and Redis keys removed", mediaItemId, caller.owner(), jobIds.size()));
                });
    }

    /** Another owner's media item is not found, like an unknown one. */
    private Mono<MediaStore.Media> visible(UUID mediaItemId, Caller caller) {
        return media.find(mediaItemId)
                .filter(item -> caller.canSee(item.owner()))
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no media item " + mediaItemId)));
    }

    private Mono<Void> cancelEveryRun(UUID jobId) {
        return redis.opsForValue().set(keys.cancel(jobId), EVERY_RUN, properties.statusTtl())
                .onErrorMap(e -> new ApiException(HttpStatus.SERVICE_UNAVAILABLE.value(), "redis_unavailable",
                        "could not tell the workers to stop; nothing was deleted, try again"))
                .then();
    }

    /**
     * The job hashes, the item's results version and the workers' done flags and attempt holders; the cancel flags
     * stay (see above).
     */
    private List<String> redisKeys(UUID mediaItemId, List<UUID> jobIds, List<MediaStore.TaskRun> attempts) {
        Set<String> names = new LinkedHashSet<>();
        jobIds.forEach(id -> names.add(keys.job(id)));
        names.add(keys.media(mediaItemId));
        for (MediaStore.TaskRun a : attempts) {
            names.add(keys.taskDone(a.jobId(), a.worker(), a.run()));
            names.add(keys.attempt(a.jobId(), a.worker(), a.run(), a.attempt()));
        }
        return new ArrayList<>(names);
    }

    /** Best effort: PostgreSQL no longer has the jobs, and every one of these keys expires by itself. */
    private Mono<Void> removeKeys(List<String> names) {
        if (names.isEmpty()) {
            return Mono.empty();
        }
        return redis.delete(names.toArray(String[]::new))
                .onErrorResume(e -> {
                    log.warn("Could not remove {} Redis key(s) of a deleted media item (they expire): {}",
                            names.size(), e.toString());
                    return Mono.just(0L);
                })
                .then();
    }

    private static boolean alreadyFinal(Throwable e) {
        return e instanceof ApiException api && api.status() == HttpStatus.CONFLICT.value();
    }
}
