package dev.mediaflow.gateway.files;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/v1/vision/files/cleanup} on a gateway without {@code MEDIAFLOW_FILE_TTL}: files are kept
 * forever, so a cleanup removes nothing and says why; only admin may ask. (With a TTL, against the real
 * queue-service and workers: system-tests' FileLifecycleIT.)
 */
class FileCleanupApiTest extends GatewayIntegrationTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void withoutATtlTheCleanupRemovesNothingAndSaysSo() throws IOException {
        Path original = STORAGE.resolve("uploads/alice/" + UUID.randomUUID() + ".png");
        Files.createDirectories(original.getParent());
        Files.write(original, new byte[]{1, 2, 3});
        double runs = meters.get("mediaflow.file.cleanups").tags("trigger", "api", "outcome", "success").counter().count();

        client.post().uri("/api/v1/vision/files/cleanup").header("X-API-Key", ADMIN).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.success").isEqualTo(true)
                .jsonPath("$.removedFiles").isEqualTo(0)
                .jsonPath("$.freedBytes").isEqualTo(0)
                .jsonPath("$.message").value(m -> assertThat((String) m).contains("MEDIAFLOW_FILE_TTL is not set"));

        assertThat(original).exists();
        assertThat(meters.get("mediaflow.file.cleanups").tags("trigger", "api", "outcome", "success").counter().count())
                .isEqualTo(runs + 1);
    }

    @Test
    void aUserIsForbiddenAndNoKeyIsUnauthorized() {
        double runs = meters.get("mediaflow.file.cleanups").tags("trigger", "api", "outcome", "success").counter().count();
        client.post().uri("/api/v1/vision/files/cleanup").header("X-API-Key", ALICE).exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").isEqualTo("forbidden").jsonPath("$.message").isNotEmpty();
        client.post().uri("/api/v1/vision/files/cleanup").exchange()
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.error").isEqualTo("unauthorized");
        client.get().uri("/api/v1/vision/files/cleanup").header("X-API-Key", ADMIN).exchange()
                .expectStatus().isEqualTo(405);
        assertThat(meters.get("mediaflow.file.cleanups").tags("trigger", "api", "outcome", "success").counter().count())
                .as("no cleanup ran").isEqualTo(runs);
    }
}
