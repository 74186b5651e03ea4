package dev.mediaflow.queue.workers;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;

/** Worker status shows another owner's job id only to admin (issue 12, section 5). */
class WorkerStatusVisibilityTest extends ApiTest {

    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;

    @Test
    void currentJobIsShownToItsOwnerAndAdminOnly() {
        Events alice = Events.allOperations(unique("alice"));
        apply(alice.submitted());
        String workerId = unique("image-test-worker");
        String key = keys.worker(workerId);
        redis.<String, String>opsForHash().putAll(key, Map.of("id", workerId, "kind", "image", "state", "running",
                "currentJob", alice.jobId.toString(), "processed", "3", "failed", "0",
                "lastHeartbeat", Instant.now().toString())).block(WAIT);
        try {
            String worker = "$.workers[?(@.id == '" + workerId + "')]";
            as(unique("bob"), "user").get().uri("/api/queue/worker/status").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath(worker + ".processed").isEqualTo(3)
                    .jsonPath(worker + ".currentJob").isEqualTo(Collections.singletonList(null))
                    .jsonPath("$.processing").isEqualTo(true);
            as(alice.owner, "user").get().uri("/api/queue/worker/status").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath(worker + ".currentJob").isEqualTo(alice.jobId.toString());
            as("root", "admin").get().uri("/api/queue/worker/status").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath(worker + ".currentJob").isEqualTo(alice.jobId.toString());
        } finally {
            redis.delete(key).block(WAIT);
        }
    }
}
