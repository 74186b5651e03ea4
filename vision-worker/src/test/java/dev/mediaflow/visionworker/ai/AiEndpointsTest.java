package dev.mediaflow.visionworker.ai;

import dev.mediaflow.visionworker.ServiceTest;
import dev.mediaflow.visionworker.depth.DepthEstimator;
import dev.mediaflow.visionworker.depth.TestPictures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.concurrent.TimeUnit;

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
                .jsonPath("$.message").doesNotExist();
    }

    @Test
    void infoNamesTheModelAndTheEndpoints() {
        client.get().uri("/info").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.message").value(m -> org.assertj.core.api.Assertions.assertThat((String) m).contains("depth"))
                .jsonPath("$.version").isEqualTo("0.1.0-SNAPSHOT")
                .jsonPath("$.model").isEqualTo("row-depth.pt")
                .jsonPath("$.endpoints.health").isEqualTo("GET /health")
                .jsonPath("$.endpoints.depth").exists();
    }

    @Test
    void actuatorHealthShowsTheModel() {
        client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.depthModel.details.model_status").isEqualTo("loaded")
                .jsonPath("$.components.depthModel.details.device").isEqualTo("cpu");
    }
}
