package dev.mediaflow.gateway.dedup;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.messages.CompletedContentBits;
import dev.mediaflow.messages.RedisKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;

/**
 * Whether an upload may repeat a completed media item of its owner, from the completed-content filter that
 * queue-service keeps in Redis ({@link CompletedContentBits}), in one script call: only a file the filter may hold
 * is worth the dedup question to queue-service, which cost both services more CPU than the rest of a small upload's
 * recording (docs/performance.md, section 2, "A dedup question only where the filter may hold the file").
 *
 * <p>A miss is trusted only while queue-service marks the filter complete ({@link RedisKeys#completedContentReady});
 * without the mark, or when Redis does not answer within {@code spring.data.redis.timeout}, the upload asks
 * queue-service as before. After a failure Redis is left alone for {@link #PAUSE_AFTER_FAILURE}, so that an
 * outage costs the uploads one timeout, not one each. {@code mediaflow_dedup_filter_total{answer}} counts the
 * answers: {@code new} (not asked), {@code maybe} and {@code unknown} (asked).
 */
@Component
public class CompletedContentCheck {

    static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(CompletedContentCheck.class);
    /** -1: the filter is not marked complete; 0: a bit is clear (surely new); 1: every bit is set (maybe). */
    private static final RedisScript<Long> CHECK = RedisScript.of("""
            if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
            for i = 1, #ARGV do
              if redis.call('GETBIT', KEYS[1], ARGV[i]) == 0 then return 0 end
            end
            return 1""", Long.class);

    private final StringRedisTemplate redis;
    private final List<String> scriptKeys;
    private final Counter surelyNew;
    private final Counter maybe;
    private final Counter unknown;
    private volatile long askRedisAfterNanos = System.nanoTime();

    @Autowired
    public CompletedContentCheck(StringRedisTemplate redis, GatewayProperties properties, MeterRegistry meters) {
        this(redis, properties.redisKeys(), meters);
    }

    CompletedContentCheck(StringRedisTemplate redis, RedisKeys keys, MeterRegistry meters) {
        this.redis = redis;
        this.scriptKeys = List.of(keys.completedContent(), keys.completedContentReady());
        this.surelyNew = answers(meters, "new");
        this.maybe = answers(meters, "maybe");
        this.unknown = answers(meters, "unknown");
    }

    private static Counter answers(MeterRegistry meters, String answer) {
        return Counter.builder("mediaflow.dedup.filter").tag("answer", answer)
                .description("Uploads checked against the dedup filter, by its answer; only new ones skip the "
                        + "question to queue-service")
                .register(meters);
    }

    /**
     * Blocking. True when the owner surely has no completed media item with these bytes, so there are no earlier
     * results to ask queue-service for; false when it may have one, or the filter cannot tell.
     */
    public boolean surelyNew(String owner, String sha256) {
        if (System.nanoTime() - askRedisAfterNanos < 0) {
            unknown.increment();
            return false;
        }
        try {
            Long answer = redis.execute(CHECK, scriptKeys, CompletedContentBits.arguments(owner, sha256).toArray());
            if (answer != null && answer == 0L) {
                surelyNew.increment();
                return true;
            }
            (answer != null && answer == 1L ? maybe : unknown).increment();
            return false;
        } catch (RuntimeException e) {
            askRedisAfterNanos = System.nanoTime() + PAUSE_AFTER_FAILURE.toNanos();
            log.warn("Cannot read the dedup filter in Redis ({}); uploads ask queue-service for the next {} s",
                    e.toString(), PAUSE_AFTER_FAILURE.toSeconds());
            unknown.increment();
            return false;
        }
    }
}
