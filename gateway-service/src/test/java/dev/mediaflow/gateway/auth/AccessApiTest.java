package dev.mediaflow.gateway.auth;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;

class AccessApiTest extends GatewayIntegrationTest {

    @ParameterizedTest
    @ValueSource(strings = {"/api/queue/stats", "/api/media/00000000-0000-0000-0000-000000000001/original"})
    void withoutAKeyTheApiAnswers401(String path) {
        client.get().uri(path).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("unauthorized").jsonPath("$.message").isNotEmpty();
    }

    @Test
    void aWrongKeyIs401() {
        client.get().uri("/api/queue/stats").header("X-API-Key", "dev-alice-key-but-wrong").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("unauthorized");
        client.post().uri("/api/media/upload").header("X-API-Key", "").exchange()
                .expectStatus().isUnauthorized();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/queue/worker/stop", "/api/queue/worker/start"})
    void onlyAdminMayPauseOrResumeWorkers(String path) {
        client.post().uri(path).header("X-API-Key", ALICE).exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("forbidden");
        // admin passes the gateway; queue-service is absent in this test
        client.post().uri(path).header("X-API-Key", ADMIN).exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.error").isEqualTo("queue_service_unavailable");
    }

    @Test
    void onlyAdminMaySeeOrReplayTheParkingLot() {
        client.get().uri("/api/queue/dead").header("X-API-Key", ALICE).exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("forbidden");
        client.post().uri("/api/queue/dead/replay").header("X-API-Key", BOB)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue("{\"all\":true}")
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("forbidden");
        // admin passes the gateway; queue-service is absent in this test
        client.get().uri("/api/queue/dead").header("X-API-Key", ADMIN).exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.error").isEqualTo("queue_service_unavailable");
    }

    @Test
    void whileQueueServiceIsDownProxiedCallsAnswer503WithTheErrorShape() {
        client.get().uri("/api/queue/items?status=queued").header("X-API-Key", BOB).exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody()
                .jsonPath("$.error").isEqualTo("queue_service_unavailable")
                .jsonPath("$.message").isNotEmpty();
    }

    @Test
    void healthAndMetricsNeedNoKey() {
        client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        client.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(text -> org.assertj.core.api.Assertions.assertThat(text)
                        .contains("jvm_memory_used_bytes"));
    }

    @Test
    void unknownPathsAnswerInTheErrorShape() {
        client.get().uri("/api/nothing/here").header("X-API-Key", ALICE).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error").isEqualTo("not_found");
    }
}
