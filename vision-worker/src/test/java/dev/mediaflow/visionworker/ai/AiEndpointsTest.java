package dev.mediaflow.visionworker.ai;

import dev.mediaflow.http.CallerRole;
import dev.mediaflow.http.InternalSignature;
import dev.mediaflow.http.MediaflowHeaders;
import dev.mediaflow.visionworker.ServiceTest;
import dev.mediaflow.visionworker.depth.DepthEstimator;
import dev.mediaflow.visionworker.depth.TestPictures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped model given as a file: URL: everything healthy. */
class AiEndpointsTest extends ServiceTest {

    @Autowired
    WebTestClient client;

    @Autowired
    DepthEstimator estimator;

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("mediaflow.depth.model", () -> TestPictures.rowDepthModel().toUri().toString());
        registry.add("mediaflow.device", () -> "cpu");
    }

    @BeforeEach
    void loaded() throws Exception {
        estimator.ready().get(120, TimeUnit.SECONDS);
    }

    @Test
    void healthAnswers200WhenTheModelIsLoaded() {
        client.get().uri("/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("healthy")
                .jsonPath("$.service").isEqualTo("vision-worker")
                .jsonPath("$.model").isEqualTo("row-depth.pt")
                .jsonPath("$.model_status").isEqualTo("loaded")
                .jsonPath("$.device").isEqualTo("cpu")
                .jsonPath("$.device_reason").value(r -> org.assertj.core.api.Assertions.assertThat((String) r)
                        .startsWith("MEDIAFLOW_DEVICE=").contains("depth runs on the CPU"))
                .jsonPath("$.precision").isEqualTo("fp32")
                .jsonPath("$.message").doesNotExist();
    }

    @Test
    void infoNamesTheModelAndTheEndpoints() {
        signedGet(client, "/info").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.message").value(m -> org.assertj.core.api.Assertions.assertThat((String) m).contains("depth"))
                .jsonPath("$.version").isEqualTo("0.1.0-SNAPSHOT")
                .jsonPath("$.model").isEqualTo("row-depth.pt")
                .jsonPath("$.endpoints.health").isEqualTo("GET /health")
                .jsonPath("$.endpoints.depth").exists();
    }

    @Test
    void actuatorHealthIsOpenAndShowsTheModelsStateButNoDetails() {
        byte[] body = client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.depthModel.status").isEqualTo("UP")
                .jsonPath("$.components.depthModel.details").doesNotExist()
                .jsonPath("$.components.diskSpace.details").doesNotExist()
                .returnResult().getResponseBody();
        assertThat(new String(body, StandardCharsets.UTF_8)).doesNotContain("/").doesNotContain("127.0.0.1");
    }

    // ---- the worker's port answers only the gateway (docs/api.md, "The basics") ----------------------

    @Test
    void forgedIdentityHeadersAreRefused() {
        client.get().uri("/info").header(MediaflowHeaders.OWNER, "x").header(MediaflowHeaders.ROLE, "admin")
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("unauthorized");
        client.post().uri("/anything").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void anExpiredOrMisdirectedSignatureIsRefused() {
        Map<String, String> stale = GATEWAY.signAt("x", CallerRole.ADMIN, "GET", "/info",
                Instant.now().getEpochSecond() - 120);
        client.get().uri("/info").headers(h -> stale.forEach(h::set)).exchange()
                .expectStatus().isUnauthorized();
        Map<String, String> forHealth = GATEWAY.sign("x", CallerRole.ADMIN, "GET", "/health");
        client.get().uri("/info").headers(h -> forHealth.forEach(h::set)).exchange()
                .expectStatus().isUnauthorized();
        Map<String, String> otherSecret = new InternalSignature("some-other-secret-0123456789abcdef-xyz")
                .sign("x", CallerRole.ADMIN, "GET", "/info");
        client.get().uri("/info").headers(h -> otherSecret.forEach(h::set)).exchange()
                .expectStatus().isUnauthorized();
    }
}
