package dev.mediaflow.worker;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.scheduling.annotation.Scheduled;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Writes this instance's state to Redis; the hash expires when the instance dies.
 *
 * <p>It beats every interval and at every change of state, i.e. when each task starts and ends, on the consumer's
 * thread. The write and its expiry are one script: atomic (a crash between the two must not leave a worker listed
 * forever) on the shared connection. It was a MULTI/EXEC, which Spring Data Redis runs on a dedicated connection,
 * opened and closed for each transaction: two Redis connections per task (issue 14, docs/performance.md).
 */
public class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    /** KEYS: the worker's hash. ARGV: its expiry in ms, then field, value, field, value... */
    private static final RedisScript<Long> BEAT = RedisScript.of("""
            redis.call('HSET', KEYS[1], unpack(ARGV, 2))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """, Long.class);

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
            redis.execute(BEAT, List.of(key), Long.toString(ttl.toMillis()),
                    "id", state.id(),
                    "kind", kind.json(),
                    "state", state.paused() ? "paused" : "running",
                    "currentJob", state.currentJobs(),
                    "processed", Long.toString(state.processed()),
                    "failed", Long.toString(state.failed()),
                    "device", device,
                    "lastHeartbeat", Instant.now().toString());
            warned = false;
        } catch (RuntimeException e) {
            if (!warned) {
                log.warn("Heartbeat to Redis failed: {}", e.getMessage());
                warned = true;
            }
        }
    }
}
