package dev.mediaflow.queue.items;

import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.InsertedJobs;
import dev.mediaflow.queue.support.SignedCalls;
import dev.mediaflow.testsupport.TcpProxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Redis gone the workers cannot be told to stop, so a bulk cancel, like a single one, fails with 503 and
 * cancels nothing: its transaction rolls back. queue-service reaches Redis through a proxy that the test cuts (it
 * needs Redis to start); a command then fails after the timeout set here instead of Lettuce's minute.
 */
@TestPropertySource(properties = "spring.data.redis.timeout=2s")
class BulkCancelWithoutRedisTest extends ApiTest {

    private static final TcpProxy REDIS = redisProxy();

    @Autowired
    DatabaseClient db;

    @DynamicPropertySource
    static void redisThroughTheProxy(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> "redis://127.0.0.1:" + REDIS.port());
    }

    @AfterAll
    static void closeProxy() throws IOException {
        REDIS.close();
    }

    private static TcpProxy redisProxy() {
        try {
            return new TcpProxy(6379);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port", e);
        }
    }

    @Test
    void aBulkCancelThatCannotRaiseTheCancelFlagsCancelsNothing() throws IOException {
        String owner = unique("owner");
        String project = unique("project");
        List<UUID> jobs = InsertedJobs.insert(db, owner, project, "b1", JobStatus.QUEUED, 50);
        Map<UUID, Long> versions = versions(jobs);
        REDIS.down();

        SignedCalls.as(http.mutate().responseTimeout(Duration.ofSeconds(30)).build(), owner, "user")
                .post().uri("/api/queue/cancel").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("projectId", project)).exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.error").isEqualTo("redis_unavailable");
        SignedCalls.as(http.mutate().responseTimeout(Duration.ofSeconds(30)).build(), owner, "user")
                .post().uri("/api/queue/items/{id}/cancel", jobs.get(0)).exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.error").isEqualTo("redis_unavailable");

        assertThat(db.sql("SELECT DISTINCT status FROM jobs WHERE id = ANY(CAST(:ids AS uuid[]))")
                .bind("ids", jobs.toArray(UUID[]::new)).mapValue(String.class).all().collectList().block(WAIT))
                .containsExactly("queued");
        assertThat(versions(jobs)).as("nothing committed").isEqualTo(versions);
    }

    private Map<UUID, Long> versions(List<UUID> jobs) {
        return db.sql("SELECT id, version FROM jobs WHERE id = ANY(CAST(:ids AS uuid[]))")
                .bind("ids", jobs.toArray(UUID[]::new))
                .map(row -> Map.entry(row.get("id", UUID.class), row.get("version", Long.class)))
                .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block(WAIT);
    }
}
