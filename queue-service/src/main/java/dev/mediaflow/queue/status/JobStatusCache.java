package dev.mediaflow.queue.status;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.job.JobRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Redis copy of each job's status ({@code job:<id>} hash with a TTL) and the change
 * notifications on {@code events:<id>} and {@code events}. PostgreSQL stays the record:
 * a failure here is logged, never propagated.
 */
@Component
public class JobStatusCache {

    private static final Logger log = LoggerFactory.getLogger(JobStatusCache.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisKeys keys;
    private final MediaflowProperties properties;

    public JobStatusCache(ReactiveStringRedisTemplate redis, RedisKeys keys, MediaflowProperties properties) {
        this.redis = redis;
        this.keys = keys;
        this.properties = properties;
    }

    /** Writes the hash and publishes the change. */
    public Mono<Void> publish(JobStatusSnapshot snapshot) {
        JobRow job = snapshot.job();
        String message = new String(Json.write(new StatusChange(job.id(), job.status().json(), job.attempts(),
                snapshot.progress(), snapshot.at())), StandardCharsets.UTF_8);
        return write(snapshot)
                .then(redis.convertAndSend(keys.jobChannel(job.id()), message))
                .then(redis.convertAndSend(keys.allJobsChannel(), message))
                .then()
                .onErrorResume(e -> {
                    log.warn("Redis status update of job {} failed (PostgreSQL is up to date; rebuild restores it): {}",
                            job.id(), e.toString());
                    return Mono.empty();
                });
    }

    /** Writes the hash only, as the rebuild does. */
    public Mono<Void> write(JobStatusSnapshot snapshot) {
        String key = keys.job(snapshot.job().id());
        return redis.opsForHash().putAll(key, fields(snapshot))
                .then(redis.expire(key, properties.statusTtl()))
                .then();
    }

    static Map<String, String> fields(JobStatusSnapshot snapshot) {
        JobRow job = snapshot.job();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("status", job.status().json());
        fields.put("run", Integer.toString(job.run()));
        fields.put("attempts", Integer.toString(job.attempts()));
        fields.put("max_attempts", Integer.toString(job.maxAttempts()));
        fields.put("priority", Integer.toString(job.priority()));
        fields.put("progress", Integer.toString(snapshot.progress()));
        fields.put("last_error", text(job.lastError()));
        fields.put("owner", job.owner());
        fields.put("media_item_id", job.mediaItemId().toString());
        fields.put("queued_at", text(job.queuedAt()));
        fields.put("started_at", text(job.startedAt()));
        fields.put("completed_at", text(job.completedAt()));
        fields.put("duration_ms", text(job.durationMs()));
        fields.put("updated_at", snapshot.at().toString());
        return fields;
    }

    /** Redis hashes hold no null: an absent value is the empty string. */
    private static String text(Object value) {
        return value == null ? "" : Objects.toString(value);
    }
}
