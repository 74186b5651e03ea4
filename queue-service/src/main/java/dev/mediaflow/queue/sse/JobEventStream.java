package dev.mediaflow.queue.sse;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.job.JobStatusDeriver;
import dev.mediaflow.queue.status.StatusChange;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

import java.time.Clock;
import java.util.UUID;

/**
 * The status changes of one job as they are published on its Redis channel, preceded by its
 * current state from PostgreSQL. The channel is subscribed before the state is read, so no
 * change falls between the two.
 */
@Service
public class JobEventStream {

    private static final Logger log = LoggerFactory.getLogger(JobEventStream.class);

    private final JobStore store;
    private final ReactiveStringRedisTemplate redis;
    private final RedisKeys keys;
    private final MediaflowProperties properties;
    private final Clock clock;

    public JobEventStream(JobStore store, ReactiveStringRedisTemplate redis, RedisKeys keys,
                          MediaflowProperties properties, Clock clock) {
        this.store = store;
        this.redis = redis;
        this.keys = keys;
        this.properties = properties;
        this.clock = clock;
    }

    /** Fails with 404 before any frame when the caller may not see the job. */
    public Mono<Flux<ServerSentEvent<StatusChange>>> open(UUID jobId, Caller caller) {
        return store.findItem(jobId, caller.ownerFilter())
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no queue item " + jobId)))
                .map(visible -> SseFrames.of(changes(jobId), properties.sseHeartbeat())
                        .doOnSubscribe(s -> log.debug("Event stream of job {} opened by {}", jobId, caller.owner()))
                        .doFinally(signal -> log.debug("Event stream of job {} closed ({})", jobId, signal)));
    }

    private Flux<StatusChange> changes(UUID jobId) {
        return redis.listenToChannelLater(keys.jobChannel(jobId))
                .flatMapMany(live -> Flux.mergeSequential(current(jobId),
                        live.<StatusChange>handle((message, sink) -> parse(jobId, message, sink))));
    }

    private Mono<StatusChange> current(UUID jobId) {
        return store.findJob(jobId).flatMap(job -> store.findTasks(jobId).collectList()
                .map(tasks -> new StatusChange(job.id(), job.status().json(), job.attempts(),
                        JobStatusDeriver.progress(job, tasks), clock.instant())));
    }

    private static void parse(UUID jobId, ReactiveSubscription.Message<String, String> message,
                              SynchronousSink<StatusChange> sink) {
        try {
            sink.next(Json.MAPPER.readValue(message.getMessage(), StatusChange.class));
        } catch (RuntimeException e) {
            log.warn("Skipping an unreadable status change of job {}: {}", jobId, e.toString());
        }
    }
}
