package dev.mediaflow.gateway.compat;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/vision/files/stats} counts what is on disk: each file once, no links followed, no one else's. */
class FileStatsTest extends GatewayIntegrationTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @Test
    void aHardLinkedResultIsOneFileALinkOutIsNothingAndAnotherOwnersFilesAreNotCounted() throws IOException {
        Map<String, Object> bobBefore = stats(BOB);
        Map<String, Object> aliceBefore = stats(ALICE);

        UUID id = UUID.randomUUID();
        Path original = write("uploads/bob/" + id + ".png", 3000);
        Path thumbnail = write("processed/bob/" + id + "/thumbnail.webp", 200);
        UUID duplicate = UUID.randomUUID();
        Files.createDirectories(STORAGE.resolve("processed/bob/" + duplicate));
        Files.createLink(STORAGE.resolve("processed/bob/" + duplicate + "/thumbnail.webp"), thumbnail);
        Path outside = Files.createTempFile("mf-stats-outside", ".bin");
        Files.write(outside, new byte[50_000]);
        Files.createSymbolicLink(STORAGE.resolve("processed/bob/" + duplicate + "/blur.webp"), outside);
        Files.setLastModifiedTime(original, java.nio.file.attribute.FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));

        Map<String, Object> bob = stats(BOB);
        assertThat(number(bob, "files")).isEqualTo(number(bobBefore, "files") + 2);
        assertThat(number(bob, "bytes")).isEqualTo(number(bobBefore, "bytes") + 3200);
        assertThat(bob.get("oldest")).isEqualTo("2001-01-01T00:00:00Z");
        assertThat(stats(ALICE)).as("bob's files are not alice's").isEqualTo(aliceBefore);
        assertThat(number(stats(ADMIN), "files")).isGreaterThanOrEqualTo(number(bob, "files"));
    }

    @Test
    void withoutAKeyItIsUnauthorized() {
        client.get().uri("/api/v1/vision/files/stats").exchange()
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.error").isEqualTo("unauthorized");
    }

    private Map<String, Object> stats(String key) {
        return client.get().uri("/api/v1/vision/files/stats").header("X-API-Key", key).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    private static long number(Map<String, Object> body, String key) {
        return ((Number) body.get(key)).longValue();
    }

    private static Path write(String relative, int bytes) throws IOException {
        Path file = STORAGE.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[bytes]);
        return file;
    }
}
