package dev.mediaflow.queue.dedup;

import dev.mediaflow.messages.CompletedContentBits;
import dev.mediaflow.messages.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * queue-service's side of the completed-content filter ({@link CompletedContentBits}), which lets the gateway skip
 * its dedup question for a file that no completed media item of its owner has: most uploads. The question and
 * its answer cost both services more CPU than the rest of a small upload's recording (docs/performance.md,
 * section 2, "A dedup question only where the filter may hold the file").
 *
 * <p>The gateway trusts a miss only while {@link RedisKeys#completedContentReady} is set, so the filter must then
 * hold every completed item: every snapshot of a completed job that reaches Redis adds its bits ({@link #add}),
 * after the commit, as the snapshot itself; a {@link CompletedContentRebuild} fills it from PostgreSQL and sets the
 * mark. Anything that may have lost bits takes the mark away first ({@link #invalidate}): an add that failed, a
 * start of queue-service (a crash may have come between a commit and its add). While Redis cannot be reached the
 * mark cannot be taken away, so an invalidation is retried ({@link #invalidationOwed}) by every rebuild pass until
 * Redis takes it, and the rebuild after it counts. The gateway asks queue-service meanwhile, since Redis does not
 * answer it either.
 */
@Component
public class CompletedContentFilter {

    private static final Logger log = LoggerFactory.getLogger(CompletedContentFilter.class);
    /** Bits one script call sets at most: Redis runs nothing else during a call. */
    static final int BITS_PER_CALL = 3000;

    private static final RedisScript<Long> SET_BITS = RedisScript.of("""
            for i = 1, #ARGV do redis.call('SETBIT', KEYS[1], ARGV[i], 1) end
            return #ARGV""", Long.class);
    private static final RedisScript<Long> INVALIDATE = RedisScript.of("""
            redis.call('DEL', KEYS[2])
            return redis.call('INCR', KEYS[1])""", Long.class);
    /** Sets the mark only if no invalidation came since the rebuild began (the generation it began with). */
    private static final RedisScript<Long> MARK_READY = RedisScript.of("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[2], ARGV[1])
            return 1""", Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisKeys keys;
    private final AtomicBoolean invalidationOwed = new AtomicBoolean(true);

    public CompletedContentFilter(ReactiveStringRedisTemplate redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** One owner's file: the SHA-256 of a media item with a completed job. */
    public record Content(String owner, String sha256) {
    }

    /**
     * After the commit: the bits of these completed items. Never fails: when Redis refuses, the filter is
     * invalidated (or owes it), so that the gateway asks queue-service until a rebuild.
     */
    public Mono<Void> add(List<Content> completed) {
        if (completed.isEmpty()) {
            return Mono.empty();
        }
        return setBits(Flux.fromIterable(completed)).onErrorResume(e -> {
            log.warn("Could not add {} completed media item(s) to the dedup filter ({}); the gateway asks "
                    + "queue-service for every upload until the filter is rebuilt", completed.size(), e.toString());
            return invalidate();
        });
    }

    /** The bits of these items, as they come, {@value #BITS_PER_CALL} a script call. Fails as Redis does. */
    Mono<Void> setBits(Flux<Content> items) {
        return items.concatMapIterable(CompletedContentFilter::bitsOf)
                .buffer(BITS_PER_CALL)
                .concatMap(chunk -> redis.execute(SET_BITS, List.of(keys.completedContent()), chunk))
                .then();
    }

    /** None for a value that is no SHA-256 (the gateway never sends one, so no upload can repeat it). */
    private static List<String> bitsOf(Content content) {
        try {
            return CompletedContentBits.arguments(content.owner(), content.sha256());
        } catch (IllegalArgumentException notASha256) {
            return List.of();
        }
    }

    /**
     * Takes the mark away and raises the generation, so that no rebuild that began before sets it again. Never
     * fails: when Redis refuses, the invalidation is owed and the next rebuild pass pays it first.
     */
    public Mono<Void> invalidate() {
        invalidationOwed.set(true);
        return newGeneration().then().onErrorResume(e -> {
            log.debug("The dedup filter's invalidation waits for Redis: {}", e.toString());
            return Mono.empty();
        });
    }

    /** Whether an invalidation has not reached Redis yet (at start, one is owed). */
    boolean invalidationOwed() {
        return invalidationOwed.get();
    }

    /** Invalidates and returns the new generation, for a rebuild to begin with. Fails as Redis does. */
    Mono<Long> newGeneration() {
        return Mono.defer(() -> {
            invalidationOwed.set(false);
            return redis.execute(INVALIDATE, List.of(keys.completedContentGeneration(), keys.completedContentReady()))
                    .next()
                    .doOnError(e -> invalidationOwed.set(true));
        });
    }

    /** Whether the mark is set. Fails as Redis does. */
    Mono<Boolean> ready() {
        return redis.hasKey(keys.completedContentReady());
    }

    /** Sets the mark, unless the generation moved on since {@code generation}. @return whether it did */
    Mono<Boolean> markReady(long generation) {
        return redis.execute(MARK_READY, List.of(keys.completedContentGeneration(), keys.completedContentReady()),
                        List.of(Long.toString(generation)))
                .next()
                .map(set -> set == 1L);
    }
}
