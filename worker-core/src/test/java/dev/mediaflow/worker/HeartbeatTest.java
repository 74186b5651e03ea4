package dev.mediaflow.worker;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.testsupport.RedisPrefix;
import dev.mediaflow.testsupport.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's heartbeat against the real local Redis, reached through a relay that counts the connections opened:
 * a beat at every task start and end must not cost a connection of its own.
 */
class HeartbeatTest {

    private RedisPrefix prefix;
    private TcpProxy relay;
    private LettuceConnectionFactory connections;
    private StringRedisTemplate redis;
    private RedisKeys keys;
    private WorkerState state;
    private Heartbeat heartbeat;

    @BeforeEach
    void setUp() throws Exception {
        prefix = RedisPrefix.create("heartbeat-test");
        relay = new TcpProxy(6379);
        connections = new LettuceConnectionFactory("127.0.0.1", relay.port());
        connections.afterPropertiesSet();
        connections.start();
        redis = new StringRedisTemplate(connections);
        keys = new RedisKeys(prefix.value());
        state = new WorkerState("heartbeat-worker");
        heartbeat = new Heartbeat(redis, keys, state, WorkerKind.IMAGE, "cpu", Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() throws Exception {
        connections.destroy();
        relay.close();
        prefix.close();
    }

    private Map<Object, Object> hash() {
        return redis.opsForHash().entries(keys.worker("heartbeat-worker"));
    }

    @Test
    void aBeatWritesTheWholeStateWithItsExpiry() {
        heartbeat.beat();

        assertThat(hash()).containsEntry("id", "heartbeat-worker").containsEntry("kind", "image")
                .containsEntry("state", "running").containsEntry("currentJob", "").containsEntry("processed", "0")
                .containsEntry("failed", "0").containsEntry("device", "cpu").containsKey("lastHeartbeat");
        // three intervals, so that two lost beats do not drop a live worker
        assertThat(redis.getExpire(keys.worker("heartbeat-worker"), TimeUnit.MILLISECONDS))
                .isBetween(25_000L, 30_000L);
    }

    @Test
    void aTaskStartAndEndAreWrittenAtOnce() {
        UUID job = UUID.randomUUID();
        state.started(job);
        assertThat(hash()).containsEntry("currentJob", job.toString()).containsEntry("processed", "0");

        state.finished(job, false);
        assertThat(hash()).containsEntry("currentJob", "").containsEntry("failed", "1");
        assertThat(redis.getExpire(keys.worker("heartbeat-worker"), TimeUnit.MILLISECONDS)).isPositive();
    }

    @Test
    void beatsAtEveryTaskShareTheOneConnection() {
        heartbeat.beat(); // the shared connection is open from here on
        int opened = relay.accepted();

        for (int i = 0; i < 50; i++) {
            UUID job = UUID.randomUUID();
            state.started(job);
            state.finished(job, true);
        }

        assertThat(hash()).containsEntry("processed", "50").containsEntry("currentJob", "");
        assertThat(relay.accepted() - opened).as("connections opened by 100 beats").isZero();
    }
}
