package dev.mediaflow.gateway.health;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /health/metrics}: the gateway's own counters, read from the registry that Prometheus scrapes. */
class HealthMetricsTest extends GatewayIntegrationTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @Autowired
    MeterRegistry meters;

    @Test
    void anAcceptedAndARefusedUploadMoveTheSummaryExactlyAsTheyMoveTheRegistry() {
        Map<String, Object> before = summary();
        byte[] png = TestFiles.image("png", 64, 48);
        upload(ALICE, Multipart.file("counted.png", png, "image/png")).expectStatus().isAccepted();
        upload(ALICE, Multipart.file("notes.png", "plain text, not a picture\n".repeat(10).getBytes(), "image/png"))
                .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        client.get().uri("/api/queue/stats").exchange().expectStatus().isUnauthorized();
        Map<String, Object> after = summary();

        assertThat(number(after, "uploads.byMediaType.photo.accepted"))
                .isEqualTo(number(before, "uploads.byMediaType.photo.accepted") + 1)
                .isEqualTo(Math.round(meters.get("mediaflow.uploads").tags("outcome", "accepted", "media_type", "photo")
                        .counter().count()));
        assertThat(number(after, "uploads.byOutcome.refused")).isEqualTo(number(before, "uploads.byOutcome.refused") + 1);
        assertThat(number(after, "uploads.total")).isEqualTo(number(before, "uploads.total") + 2);
        assertThat(number(after, "uploads.acceptedBytes")).isEqualTo(number(before, "uploads.acceptedBytes") + png.length);
        assertThat(number(after, "publishes.confirmed")).isEqualTo(number(before, "publishes.confirmed") + 1);
        // the 401 and the 415 are refusals; the summary reads the same timers as http_server_requests_seconds, which
        // Spring records as the exchange completes, a moment after the client has its answer
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Object> settled = summary();
            assertThat(number(settled, "responses.refusals"))
                    .isGreaterThanOrEqualTo(number(before, "responses.refusals") + 2);
            assertThat(number(settled, "responses.byStatus.401")).isGreaterThan(number(before, "responses.byStatus.401"));
        });
        assertThat(number(after, "spoolJobs")).isZero();
        assertThat(number(after, "storage.freeBytes")).isPositive();
        assertThat(number(after, "fileCleanup.removedFiles")).isZero();
        assertThat(after).containsEntry("service", "gateway").containsKey("timestamp");
    }

    @Test
    void itNeedsNoKeyButIsReadOnly() {
        client.get().uri("/health/metrics").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.uploads.byOutcome").exists().jsonPath("$.responses.byStatus").exists();
        // only GET and HEAD of the public paths are open: a write is refused, key or not
        for (String key : new String[] {null, ALICE}) {
            WebTestClient.RequestBodySpec post = client.post().uri("/health/metrics");
            if (key != null) {
                post.header("X-API-Key", key);
            }
            post.exchange().expectStatus().isUnauthorized().expectBody().jsonPath("$.error").isEqualTo("unauthorized");
        }
        client.get().uri("/health/metrics/uploads").exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.error").isEqualTo("not_found");
    }

    private Map<String, Object> summary() {
        return client.get().uri("/health/metrics").exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    /** A number at a dotted path; 0 where the path is not there yet (a status never answered). */
    @SuppressWarnings("unchecked")
    private static long number(Map<String, Object> body, String path) {
        Object node = body;
        for (String key : path.split("\\.")) {
            node = node instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(key) : null;
        }
        return node == null ? 0 : ((Number) node).longValue();
    }
}
