package dev.mediaflow.queue.items;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.status.RedisScripts;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cancel:<id>} flags that tell the workers a job's run was cancelled ({@link RedisKeys#cancel}): a
 * worker skips a task of that run or an older one, and a running task stops at its next step. A cancel raises
 * them in its transaction, before the commit, and fails (503, the transaction rolls back) when Redis does not take
 * them: a committed cancel whose workers were never told would let them run on.
 */
@Component
public class CancelFlags {

    private static final RedisScript<Long> RAISE =
            RedisScripts.fromClasspath("redis/raise-cancel-flags.lua", Long.class);
    /** Flags one script call sets: thousands cost a few round trips instead of one each, and each call stays short. */
    static final int PER_CALL = 500;

    private final ReactiveStringRedisTemplate redis;
    private final RedisKeys keys;
    private final MediaflowProperties properties;

    public CancelFlags(ReactiveStringRedisTemplate redis, RedisKeys keys, MediaflowProperties properties) {
        this.redis = redis;
        this.keys = keys;
        this.properties = properties;
    }

    /** Raises the flag of each job's current run; fails with 503 {@code redis_unavailable} if one is not taken. */
    public Mono<Void> raise(List<JobRow> jobs) {
        String ttl = Long.toString(properties.statusTtl().toMillis());
        return Flux.fromIterable(jobs)
                .buffer(PER_CALL)
                .concatMap(chunk -> {
                    List<String> args = new ArrayList<>(chunk.size() + 1);
                    chunk.forEach(job -> args.add(Integer.toString(job.run())));
                    args.add(ttl);
                    return redis.execute(RAISE, chunk.stream().map(job -> keys.cancel(job.id())).toList(), args);
                })
                .then()
                .onErrorMap(e -> new ApiException(HttpStatus.SERVICE_UNAVAILABLE.value(), "redis_unavailable",
                        "could not signal the cancellation to the workers"));
    }
}
