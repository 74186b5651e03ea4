package dev.mediaflow.queue.web;

import dev.mediaflow.http.CallerRole;
import dev.mediaflow.http.InternalSignature;
import dev.mediaflow.http.MediaflowHeaders;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.SignedCalls;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/api.md, "The basics" against the real queue-service: whoever reaches it directly gets 401, whatever
 * identity headers it sends, unless the gateway signed exactly this request a moment ago.
 */
class InternalTrustApiTest extends ApiTest {

    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;

    @Test
    void forgedIdentityHeadersWithoutASignatureAreRefused() {
        http.get().uri("/api/queue/items")
                .header(MediaflowHeaders.OWNER, "x").header(MediaflowHeaders.ROLE, "admin")
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("unauthorized");
        http.post().uri("/api/queue/worker/stop")
                .header(MediaflowHeaders.OWNER, "x").header(MediaflowHeaders.ROLE, "admin")
                .exchange()
                .expectStatus().isUnauthorized();
        assertThat(redis.hasKey(keys.paused()).block(WAIT)).as("the fleet must not be paused").isFalse();
    }

    @Test
    void theSameCallSignedByTheGatewayIsAnswered() {
        SignedCalls.as(http, "x", "admin").get().uri("/api/queue/items?limit=1").exchange()
                .expectStatus().isOk();
    }

    @Test
    void aValidSignatureWithAnExpiredTimestampIsRefused() {
        Map<String, String> stale = SignedCalls.SIGNATURE.signAt("x", CallerRole.ADMIN, "GET", "/api/queue/items",
                Instant.now().getEpochSecond() - 120);
        http.get().uri("/api/queue/items").headers(h -> stale.forEach(h::set)).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.message").value(m -> assertThat((String) m).contains("expired"));
    }

    @Test
    void aSignatureReplayedOnAnotherPathOrWithAnotherRoleIsRefused() {
        Map<String, String> forCancel = SignedCalls.SIGNATURE.sign("x", CallerRole.ADMIN, "POST",
                "/api/queue/items/00000000-0000-0000-0000-000000000001/cancel");
        http.post().uri("/api/queue/worker/stop").headers(h -> forCancel.forEach(h::set)).exchange()
                .expectStatus().isUnauthorized();
        assertThat(redis.hasKey(keys.paused()).block(WAIT)).isFalse();

        Map<String, String> asUser = SignedCalls.SIGNATURE.sign("x", CallerRole.USER, "GET", "/api/queue/items");
        http.get().uri("/api/queue/items").headers(h -> {
                    asUser.forEach(h::set);
                    h.set(MediaflowHeaders.ROLE, "admin");
                }).exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void aSignatureMadeWithAnotherSecretIsRefused() {
        Map<String, String> wrong = new InternalSignature("not-the-secret-of-this-queue-service-at-all")
                .sign("x", CallerRole.ADMIN, "GET", "/api/queue/items");
        http.get().uri("/api/queue/items").headers(h -> wrong.forEach(h::set)).exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void actuatorHealthIsOpenButShowsNoDetails() {
        // the first health check of a fresh context may take a while on a loaded machine
        byte[] body = http.mutate().responseTimeout(java.time.Duration.ofSeconds(60)).build()
                .get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.redis.status").isEqualTo("UP")
                .jsonPath("$.components.redis.details").doesNotExist()
                .jsonPath("$.components.diskSpace.details").doesNotExist()
                .returnResult().getResponseBody();
        assertThat(new String(body, StandardCharsets.UTF_8)).doesNotContain("127.0.0.1").doesNotContain("path")
                .doesNotContain("version");
    }
}
