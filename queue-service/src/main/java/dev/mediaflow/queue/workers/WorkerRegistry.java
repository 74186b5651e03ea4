package dev.mediaflow.queue.workers;

import dev.mediaflow.messages.ControlCommand;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.messaging.ConfirmedPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.Comparator;

/** Worker heartbeats (Redis {@code worker:*}, written by the workers) and the pause switch. */
@Service
public class WorkerRegistry {

    private static final Logger log = LoggerFactory.getLogger(WorkerRegistry.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisKeys keys;
    private final ConfirmedPublisher publisher;
    private final Clock clock;

    public WorkerRegistry(ReactiveStringRedisTemplate redis, RedisKeys keys, ConfirmedPublisher publisher, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.publisher = publisher;
        this.clock = clock;
    }

    public Mono<WorkerStatusResponse> status() {
        String prefix = keys.worker("");
        return redis.scan(ScanOptions.scanOptions().match(keys.workerPattern()).count(200).build())
                .concatMap(key -> redis.<String, String>opsForHash().entries(key)
                        .collectMap(e -> e.getKey(), e -> e.getValue())
                        .filter(hash -> !hash.isEmpty())
                        .map(hash -> WorkerView.fromHash(key.substring(prefix.length()), hash)))
                .sort(Comparator.comparing(WorkerView::id))
                .collectList()
                .map(workers -> new WorkerStatusResponse(
                        workers.stream().anyMatch(WorkerView::running),
                        workers.stream().anyMatch(WorkerView::busy),
                        workers));
    }

    /** Sets the pause flag (so instances started later start paused) and tells every instance. */
    public Mono<Void> pause(String requestedBy) {
        return redis.opsForValue().set(keys.paused(), "1")
                .then(publisher.publishControl(new ControlCommand(ControlCommand.Action.PAUSE, requestedBy,
                        clock.instant())))
                .doOnSuccess(v -> log.info("Workers paused by {}", requestedBy));
    }

    public Mono<Void> resume(String requestedBy) {
        return redis.delete(keys.paused())
                .then(publisher.publishControl(new ControlCommand(ControlCommand.Action.RESUME, requestedBy,
                        clock.instant())))
                .doOnSuccess(v -> log.info("Workers resumed by {}", requestedBy));
    }
}
