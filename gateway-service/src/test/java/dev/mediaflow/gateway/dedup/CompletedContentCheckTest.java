package dev.mediaflow.gateway.dedup;

import dev.mediaflow.messages.CompletedContentBits;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.testsupport.RedisPrefix;
import dev.mediaflow.gateway.support.TestFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's reading of the dedup filter on the local Redis, under a key prefix of its own: a miss skips the
 * question to queue-service only while queue-service marks the filter complete, a file whose bits are set is
 * asked about, and a Redis that does not answer makes every upload ask, without waiting on Redis again for a while.
 */
class CompletedContentCheckTest {

    private static final String SHA = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    private static final String OTHER_SHA = "7d865e959b2466918c9863afca942d0fb89d7c9ac0c99bafc3749504ded97730";

    private final RedisPrefix prefix = RedisPrefix.create("mf-gateway-filter");
    private final RedisKeys keys = new RedisKeys(prefix.value());
    private final List<LettuceConnectionFactory> factories = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void cleanUp() {
        factories.forEach(LettuceConnectionFactory::destroy);
        prefix.close();
    }

    @Test
    void aMissIsTrustedOnlyWhileTheFilterIsMarkedComplete() {
        StringRedisTemplate redis = template(6379);
        CompletedContentCheck check = new CompletedContentCheck(redis, keys, meters);
        set(redis, "alice", SHA);

        assertThat(check.surelyNew("alice", OTHER_SHA)).as("not marked complete: ask").isFalse();
        redis.opsForValue().set(keys.completedContentReady(), "1");
        assertThat(check.surelyNew("alice", OTHER_SHA)).as("marked, a bit clear: surely new").isTrue();
        assertThat(check.surelyNew("alice", SHA)).as("every bit set: ask").isFalse();
        assertThat(check.surelyNew("alice", SHA.toUpperCase())).isFalse();
        assertThat(check.surelyNew("bob", SHA)).as("the same bytes are another file for another owner").isTrue();

        assertThat(answers("unknown")).isEqualTo(1);
        assertThat(answers("new")).isEqualTo(2);
        assertThat(answers("maybe")).isEqualTo(2);
    }

    @Test
    void aRedisThatDoesNotAnswerMakesUploadsAskWithoutTryingRedisAgainForAWhile() {
        CompletedContentCheck check = new CompletedContentCheck(template(TestFiles.closedPort()), keys, meters);

        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertThat(check.surelyNew("alice", OTHER_SHA)).isFalse();
        }
        assertThat(answers("unknown")).isEqualTo(20);
        // one connection attempt (250 ms at most), then none for PAUSE_AFTER_FAILURE: not twenty
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CompletedContentCheck.PAUSE_AFTER_FAILURE);
    }

    private void set(StringRedisTemplate redis, String owner, String sha256) {
        for (long bit : CompletedContentBits.of(owner, sha256)) {
            redis.opsForValue().setBit(keys.completedContent(), bit, true);
        }
    }

    private double answers(String answer) {
        return meters.get("mediaflow.dedup.filter").tag("answer", answer).counter().count();
    }

    private StringRedisTemplate template(int port) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1",
                port), LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(250)).build());
        factory.afterPropertiesSet();
        factory.start();
        factories.add(factory);
        return new StringRedisTemplate(factory);
    }
}
