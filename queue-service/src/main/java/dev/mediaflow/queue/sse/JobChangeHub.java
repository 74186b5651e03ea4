package dev.mediaflow.queue.sse;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.status.StatusChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one Redis subscription of this queue-service instance: the all-jobs channel, fanned out in
 * memory to the open event streams of each job. Before, every stream held a pub/sub connection of
 * its own, so a few hundred streams exhausted Redis' and the service's connections.
 * A change missed while the subscription was down reaches the streams through their periodic
 * re-read of the snapshot ({@link JobEventStream}).
 */
@Component
public class JobChangeHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobChangeHub.class);

    private final ReactiveRedisConnectionFactory connections;
    private final RedisKeys keys;
    private final Map<UUID, Set<FluxSink<StatusChange>>> streams = new ConcurrentHashMap<>();
    private volatile ReactiveRedisMessageListenerContainer container;
    private volatile Disposable subscription;

    public JobChangeHub(ReactiveRedisConnectionFactory connections, RedisKeys keys) {
        this.connections = connections;
        this.keys = keys;
    }

    /** The changes of one job from now on, until the subscriber cancels. */
    public Flux<StatusChange> changes(UUID jobId) {
        return Flux.create(sink -> {
            streams.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(sink);
            sink.onDispose(() -> streams.computeIfPresent(jobId, (id, sinks) -> {
                sinks.remove(sink);
                return sinks.isEmpty() ? null : sinks;
            }));
        });
    }

    /** How many jobs have an open stream here. */
    int watchedJobs() {
        return streams.size();
    }

    @Override
    public void start() {
        ReactiveRedisMessageListenerContainer listener = new ReactiveRedisMessageListenerContainer(connections);
        container = listener;
        subscription = Flux.defer(() -> listener.receive(ChannelTopic.of(keys.allJobsChannel())))
                .doOnError(e -> log.warn("Redis subscription to job changes lost, resubscribing: {}", e.toString()))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(10)))
                .repeat()
                .subscribe(message -> dispatch(message.getMessage()));
    }

    private void dispatch(String message) {
        StatusChange change;
        try {
            change = Json.MAPPER.readValue(message, StatusChange.class);
        } catch (RuntimeException e) {
            log.warn("Skipping an unreadable job change: {}", e.toString());
            return;
        }
        Set<FluxSink<StatusChange>> sinks = streams.get(change.jobId());
        if (sinks != null) {
            sinks.forEach(sink -> sink.next(change));
        }
    }

    @Override
    public void stop() {
        Disposable running = subscription;
        if (running != null) {
            running.dispose();
        }
        ReactiveRedisMessageListenerContainer listener = container;
        if (listener != null) {
            listener.destroy();
        }
        subscription = null;
        container = null;
    }

    @Override
    public boolean isRunning() {
        return subscription != null && !subscription.isDisposed();
    }
}
