package dev.mediaflow.gateway.immich;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.TestFiles;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** No Immich to import from: none configured (503, said so), or one configured that is not running (502). */
class ImmichAbsentTest {

    @Nested
    class NotConfigured extends GatewayIntegrationTest {

        @Test
        void theImportAndTheListSayImmichIsNotConfigured() {
            client.post().uri("/api/immich/import").header("X-API-Key", ALICE).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("assetIds", List.of(UUID.randomUUID().toString()))).exchange()
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectBody().jsonPath("$.error").isEqualTo("immich_not_configured")
                    .jsonPath("$.message").value(m -> assertThat((String) m).contains("IMMICH_URL"));
            client.get().uri("/api/immich/assets").header("X-API-Key", ALICE).exchange()
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectBody().jsonPath("$.error").isEqualTo("immich_not_configured");
        }
    }

    @Nested
    class NotRunning extends GatewayIntegrationTest {

        static final int CLOSED = TestFiles.closedPort();

        @DynamicPropertySource
        static void immich(DynamicPropertyRegistry registry) {
            registry.add("mediaflow.immich-url", () -> "http://127.0.0.1:" + CLOSED);
            registry.add("mediaflow.immich-api-key", () -> "some-key");
        }

        @Test
        void anImmichThatIsDownIs502AndNothingIsStored() {
            Set<Path> before = new HashSet<>(TestFiles.filesUnder(STORAGE.resolve("uploads")));

            client.post().uri("/api/immich/import").header("X-API-Key", ALICE).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("assetIds", List.of(UUID.randomUUID().toString()))).exchange()
                    .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
                    .expectBody().jsonPath("$.error").isEqualTo("immich_unavailable");
            client.post().uri("/api/immich/import").header("X-API-Key", ALICE).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("albumId", UUID.randomUUID().toString())).exchange()
                    .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY);
            client.get().uri("/api/immich/assets").header("X-API-Key", ALICE).exchange()
                    .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY);

            assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).containsExactlyInAnyOrderElementsOf(before);
            assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
            assertThat(rabbit.receive(EVENTS_PROBE)).isNull();
        }
    }
}
