package dev.mediaflow.queue.sse;

import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.status.ItemSnapshot;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.JobStatusCache;
import dev.mediaflow.queue.status.StatusChange;
import dev.mediaflow.queue.status.StatusReconciler;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.UUID;

/**
 * The status changes of one job: first its snapshot (Redis, or PostgreSQL when Redis has no
 * current one, as the item endpoint does), then every change published for it. The stream is
 * registered with the shared listener before the snapshot is read again, and re-reads it every
 * heartbeat interval, so a change lost on the pub/sub still arrives; versions drop whatever is not
 * newer than what was sent.
 */
@Service
public class JobEventStream {

    private static final Logger log = LoggerFactory.getLogger(JobEventStream.class);

    private final JobChangeHub hub;
    private final JobStatusCache cache;
    private final JobSnapshots snapshots;
    private final StatusReconciler reconciler;
    private final MediaflowProperties properties;

    public JobEventStream(JobChangeHub hub, JobStatusCache cache, JobSnapshots snapshots,
                          StatusReconciler reconciler, MediaflowProperties properties) {
        this.hub = hub;
        this.cache = cache;
        this.snapshots = snapshots;
        this.reconciler = reconciler;
        this.properties = properties;
    }

    /**
     * Fails with 404 before any frame when the caller may not see the job.
     *
     * @param lastEventId the {@code Last-Event-ID} of a reconnecting client (null: a new stream): only what came
     *                    after it is sent. The current state stands for everything between, as versions are not
     *                    kept: a client that saw version 3 of a job now at 7 gets 7. An id newer than the job's
     *                    version is not one this job sent (another installation, a typo) and counts as none, and a
     *                    client that already saw the final state gets a stream that ends at once.
     */
    public Mono<Flux<ServerSentEvent<StatusChange>>> open(UUID jobId, Caller caller, Long lastEventId) {
        return current(jobId)
                .filter(snapshot -> caller.canSee(snapshot.owner()))
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no queue item " + jobId)))
                .map(first -> {
                    long after = lastEventId == null || lastEventId > first.version() ? Long.MIN_VALUE : lastEventId;
                    Flux<ServerSentEvent<StatusChange>> frames = after >= first.version() && SseFrames.isFinal(first.item().status())
                            ? Flux.empty()
                            : SseFrames.of(changes(jobId, first.change()), properties.sseHeartbeat(), after);
                    return frames
                            .doOnSubscribe(s -> log.debug("Event stream of job {} opened by {} after version {}", jobId,
                                    caller.owner(), lastEventId))
                            .doFinally(signal -> log.debug("Event stream of job {} closed ({})", jobId, signal));
                });
    }

    private Flux<StatusChange> changes(UUID jobId, StatusChange first) {
        Duration every = properties.sseHeartbeat();
        Flux<StatusChange> reread = Flux.interval(Duration.ZERO, every)
                .onBackpressureDrop()
                .concatMap(tick -> current(jobId).map(ItemSnapshot::change), 0);
        // merge subscribes in order: the stream is registered with the hub before the first re-read
        return Flux.merge(hub.changes(jobId), Flux.just(first).concatWith(reread));
    }

    private Mono<ItemSnapshot> current(UUID jobId) {
        Mono<ItemSnapshot> database = snapshots.fromDatabase(jobId);
        if (!properties.itemReadsFromRedis()) {
            return database;
        }
        return cache.read(jobId).switchIfEmpty(database.doOnNext(found -> reconciler.repairLater(jobId)));
    }
}
