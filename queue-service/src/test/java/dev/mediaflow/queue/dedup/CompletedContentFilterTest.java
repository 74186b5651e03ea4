package dev.mediaflow.queue.dedup;

import dev.mediaflow.messages.CompletedContentBits;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.Stories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The completed-content filter that spares the gateway its dedup question: a completed job's file is in it once
 * its snapshot reaches Redis, other files are not, and the gateway's mark ({@code dedup:ready}) is set only while
 * the filter holds every completed item: taken away when an add fails, back after a rebuild from PostgreSQL.
 */
class CompletedContentFilterTest extends ApiTest {

    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    CompletedContentFilter filter;
    @Autowired
    CompletedContentRebuild rebuild;

    /** No scheduled pass in between: each test runs the passes it needs itself. */
    @BeforeEach
    void stopScheduledPasses() {
        rebuild.stop();
    }

    @AfterEach
    void startScheduledPasses() {
        rebuild.start();
    }

    @Test
    void aCompletedJobsFileIsInTheFilterOnceItCompletesAndAFailedJobsIsNot() {
        Events completed = Events.allOperations(unique("owner")).sha256(randomSha());
        apply(completed.submitted());
        assertThat(inFilter(completed)).isFalse();
        apply(Stories.completed(completed).subList(1, Stories.completed(completed).size()));
        assertThat(inFilter(completed)).isTrue();

        Events failed = Events.allOperations(unique("owner")).sha256(randomSha());
        apply(Stories.failed(failed));
        assertThat(inFilter(failed)).isFalse();
        // the same bytes under another owner are another file
        Events otherOwner = Events.allOperations(unique("owner")).sha256(completed.submission().sha256());
        assertThat(inFilter(otherOwner)).isFalse();
    }

    @Test
    void afterRedisLostTheFilterARebuildFromPostgresRestoresItsItemsAndTheMark() {
        Events completed = Events.allOperations(unique("owner")).sha256(randomSha());
        apply(Stories.completed(completed));
        redis.delete(keys.completedContent(), keys.completedContentReady()).block(WAIT);
        assertThat(inFilter(completed)).isFalse();

        rebuild.pass().block(WAIT);
        assertThat(redis.hasKey(keys.completedContentReady()).block(WAIT)).isTrue();
        assertThat(inFilter(completed)).isTrue();
    }

    @Test
    void anAddThatFailsTakesTheMarkAwayUntilARebuildHasTheItem() {
        rebuild.pass().block(WAIT);
        assertThat(redis.hasKey(keys.completedContentReady()).block(WAIT)).isTrue();
        // a key of another type makes every SETBIT fail, as a Redis that refuses writes would
        redis.delete(keys.completedContent()).block(WAIT);
        redis.opsForHash().put(keys.completedContent(), "not", "a bitmap").block(WAIT);
        Events completed = Events.allOperations(unique("owner")).sha256(randomSha());
        apply(Stories.completed(completed));
        assertThat(redis.hasKey(keys.completedContentReady()).block(WAIT)).isFalse();

        redis.delete(keys.completedContent()).block(WAIT);
        rebuild.pass().block(WAIT);
        assertThat(redis.hasKey(keys.completedContentReady()).block(WAIT)).isTrue();
        assertThat(inFilter(completed)).isTrue();
    }

    @Test
    void aRebuildThatBeganBeforeAnInvalidationDoesNotSetTheMark() {
        long generation = filter.newGeneration().block(WAIT);
        filter.invalidate().block(WAIT);
        assertThat(filter.markReady(generation).block(WAIT)).isFalse();
        assertThat(filter.markReady(generation + 1).block(WAIT)).isTrue();
        assertThat(redis.opsForValue().get(keys.completedContentReady()).block(WAIT))
                .isEqualTo(Long.toString(generation + 1));
    }

    private boolean inFilter(Events e) {
        for (long bit : CompletedContentBits.of(e.submission().owner(), e.submission().sha256())) {
            if (!Boolean.TRUE.equals(redis.opsForValue().getBit(keys.completedContent(), bit).block(WAIT))) {
                return false;
            }
        }
        return true;
    }

    private static String randomSha() {
        return HexFormat.of().formatHex((UUID.randomUUID().toString() + UUID.randomUUID()).getBytes(), 0, 32);
    }
}
