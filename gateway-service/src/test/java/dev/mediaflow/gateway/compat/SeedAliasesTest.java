package dev.mediaflow.gateway.compat;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The vision-gateway seed's routes answer like the canonical ones. */
class SeedAliasesTest extends GatewayIntegrationTest {

    @Test
    void analyzeIsAnUploadWhoseAnalysisTypeChoosesTheOperations() throws Exception {
        Map<?, ?> body = analyze(Multipart.file("image", "scene.png", TestFiles.image("png", 64, 48), "image/png")
                .field("analysis_type", "depth"))
                .expectStatus().isAccepted()
                .expectHeader().valueMatches("Location", "/api/queue/items/[0-9a-f-]{36}")
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body.get("operations")).isEqualTo(List.of("depth"));
        TaskMessage task = awaitMessage(WorkerKind.VISION.queue(), TaskMessage.class,
                t -> t.jobId().toString().equals(body.get("queueId"))).body();
        assertThat(task.operations()).containsExactly(Operation.DEPTH);

        Map<?, ?> variants = analyze(Multipart.file("image", "scene.png", TestFiles.image("png", 64, 48), "image/png")
                .field("analysis_type", "variants"))
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(variants.get("operations")).isEqualTo(List.of("thumbnail", "blur", "low-quality"));
    }

    @Test
    void anUnknownAnalysisTypeIsABadRequestNamingTheField() throws Exception {
        analyze(Multipart.file("image", "scene.png", TestFiles.image("png", 64, 48), "image/png")
                .field("analysis_type", "sepia"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.message").value(m -> assertThat((String) m).contains("analysis_type"));
    }

    @Test
    void jobsAndCancelGoWhereTheQueueRoutesGoAndNeedAKey() {
        // no queue-service in this context: the canonical routes answer 503, so must the aliases
        String id = "3f1c2b9e-2b7a-4a4e-9a51-2c1f0c6d7e8f";
        client.get().uri("/api/v1/vision/jobs/" + id).header("X-API-Key", ALICE).exchange()
                .expectStatus().isEqualTo(503).expectBody().jsonPath("$.error").isEqualTo("queue_service_unavailable");
        client.delete().uri("/api/v1/vision/jobs/" + id + "/cancel").header("X-API-Key", ALICE).exchange()
                .expectStatus().isEqualTo(503);
        client.get().uri("/api/v1/vision/jobs/" + id).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void fileStatsCountOnlyTheCallersFilesAndEverythingForAdmin() throws Exception {
        analyze(Multipart.file("image", "mine.png", TestFiles.image("png", 64, 48), "image/png"))
                .expectStatus().isAccepted();
        Map<?, ?> alice = client.get().uri("/api/v1/vision/files/stats").header("X-API-Key", ALICE).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> admin = client.get().uri("/api/v1/vision/files/stats").header("X-API-Key", ADMIN).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        long aliceFiles;
        try (var walk = java.nio.file.Files.walk(STORAGE.resolve("uploads/alice"))) {
            aliceFiles = walk.filter(java.nio.file.Files::isRegularFile).count();
        }
        assertThat(((Number) alice.get("files")).longValue()).isEqualTo(aliceFiles).isPositive();
        assertThat(((Number) alice.get("bytes")).longValue()).isPositive();
        assertThat(alice.get("oldest")).isNotNull();
        assertThat(((Number) admin.get("files")).longValue()).isGreaterThanOrEqualTo(aliceFiles);
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec analyze(Multipart multipart) {
        return client.post().uri("/api/v1/vision/analyze")
                .header("X-API-Key", ALICE)
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(multipart.parts()))
                .exchange();
    }
}
