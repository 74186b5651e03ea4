package dev.mediaflow.gateway.results;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsApiTest extends GatewayIntegrationTest {

    @Test
    void aVariantIsServedToItsOwnerAndAdminWithCachingHeadersButNotToOthers() throws Exception {
        UUID id = UUID.randomUUID();
        String url = "/api/media/" + id + "/variants/thumbnail";
        client.get().uri(url).header("X-API-Key", ALICE).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error").isEqualTo("not_found");

        byte[] webp = TestFiles.random(5000, 3);
        Path file = STORAGE.resolve("processed/alice/" + id + "/thumbnail.webp");
        Files.createDirectories(file.getParent());
        Files.write(file, webp);

        EntityExchangeResult<byte[]> served = client.get().uri(url).header("X-API-Key", ALICE).exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("image/webp")
                .expectHeader().valueMatches("Cache-Control", ".*max-age=3600.*")
                .expectHeader().valueMatches("ETag", "\"[^\"]+\"")
                .expectBody(byte[].class).returnResult();
        assertThat(served.getResponseBody()).isEqualTo(webp);
        String etag = served.getResponseHeaders().getETag();

        client.get().uri(url).header("X-API-Key", ALICE).header("If-None-Match", etag).exchange()
                .expectStatus().isNotModified()
                .expectHeader().valueEquals("ETag", etag)
                .expectBody().isEmpty();
        client.get().uri(url).header("X-API-Key", BOB).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error").isEqualTo("not_found");
        client.get().uri(url).header("X-API-Key", ADMIN).exchange()
                .expectStatus().isOk()
                .expectBody(byte[].class).isEqualTo(webp);
    }

    @Test
    void theDepthMapIsPng() throws Exception {
        UUID id = UUID.randomUUID();
        Path file = STORAGE.resolve("processed/bob/" + id + "/depth.png");
        Files.createDirectories(file.getParent());
        Files.write(file, TestFiles.image("png", 8, 8));

        client.get().uri("/api/media/" + id + "/variants/depth").header("X-API-Key", BOB).exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("image/png");
    }

    @Test
    void theOriginalIsServedWithTheTypeOfItsBytes() {
        byte[] jpeg = TestFiles.image("jpg", 40, 30);
        String mediaItemId = upload(ALICE, Multipart.file("orig.jpg", jpeg, "image/jpeg").field("operations", "blur"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(java.util.Map.class).returnResult().getResponseBody().get("mediaItemId").toString();

        client.get().uri("/api/media/" + mediaItemId + "/original").header("X-API-Key", ALICE).exchange()
                .expectStatus().isOk()
                .expectHeader().contentType("image/jpeg")
                .expectHeader().exists("ETag")
                .expectBody(byte[].class).isEqualTo(jpeg);
        client.get().uri("/api/media/" + mediaItemId + "/original").header("X-API-Key", BOB).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void anUnknownVariantOrAnInvalidIdIsABadRequest() {
        client.get().uri("/api/media/" + UUID.randomUUID() + "/variants/sepia").header("X-API-Key", ALICE).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request");
        client.get().uri("/api/media/not-a-uuid/variants/thumbnail").header("X-API-Key", ALICE).exchange()
                .expectStatus().isBadRequest();
        client.get().uri("/api/media/..%2F..%2Fetc/original").header("X-API-Key", ALICE).exchange()
                .expectStatus().value(status -> assertThat(status).isIn(400, 404));
    }
}
