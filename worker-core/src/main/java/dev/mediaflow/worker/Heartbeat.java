package dev.mediaflow.worker;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Writes this instance's state to Redis; the hash expires when the instance dies. */
public class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final WorkerState state;
    private final WorkerKind kind;
    private final String device;
    private final Duration ttl;
    private volatile boolean warned;

    public Heartbeat(StringRedisTemplate redis, RedisKeys keys, WorkerState state, WorkerKind kind, String device,
                     Duration interval) {
        this.redis = redis;
        this.keys = keys;
        this.state = state;
        this.kind = kind;
        this.device = device;
        this.ttl = interval.multipliedBy(3).compareTo(Duration.ofSeconds(15)) < 0 ? Duration.ofSeconds(15) : interval.multipliedBy(3);
        state.onChange(this::beat);
    }

    @Scheduled(fixedDelayString = "${mediaflow.heartbeat-interval:5s}", initialDelay = 0)
    public void beat() {
        String key = keys.worker(state.id());
        try {
            Map<String, String> fields = Map.of(
                    "id", state.id(),
                    "kind", kind.json(),
                    "state", state.paused() ? "paused" : "running",
                    "currentJob", state.currentJobs(),
                    "processed", Long.toString(state.processed()),
                    "failed", Long.toString(state.failed()),
                    "device", device,
                    "lastHeartbeat", Instant.now().toString());
            // one MULTI/EXEC: a crash between the write and its expiry must not leave a worker listed forever
            redis.execute(new SessionCallback<List<Object>>() {
                @Override
                @SuppressWarnings({"unchecked", "rawtypes"})
                public List<Object> execute(RedisOperations operations) {
                    operations.multi();
                    operations.opsForHash().putAll(key, fields);
                    operations.expire(key, ttl);
                    return operations.exec();
                }
            });
            warned = false;
        } catch (RuntimeException e) {
            if (!warned) {
                log.warn("Heartbeat to Redis failed: {}", e.getMessage());
                warned = true;
            }
        }
    }
}
