package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.JobSubmission;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** RabbitMQ and queue-service both unreachable: uploads still succeed, into the spool. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class BrokerDownSpoolTest {

    private static final Path STORAGE = TestFiles.tempDirectory("mf-gateway-nobroker");
    private static final ParameterizedTypeReference<Map<String, Object>> JSON_MAP = new ParameterizedTypeReference<>() {
    };

    @DynamicPropertySource
    static void noBroker(DynamicPropertyRegistry registry) {
        registry.add("spring.rabbitmq.addresses", () -> "amqp://guest:guest@127.0.0.1:" + TestFiles.closedPort());
        registry.add("mediaflow.queue-service-url", () -> "http://127.0.0.1:" + TestFiles.closedPort());
        registry.add("mediaflow.vision-worker-url", () -> "http://127.0.0.1:" + TestFiles.closedPort());
        registry.add("mediaflow.storage-root", STORAGE::toString);
        registry.add("mediaflow.spool-interval", () -> "1s");
    }

    @Autowired
    WebTestClient client;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    /** The upload is a success for its client, and the meters still show that the broker failed. */
    @Test
    void anUploadWhileTheBrokerIsDownCountsAsAcceptedWithAFailedPublishAndASpooledJob() {
        double failed = meters.get("mediaflow.publish").tag("outcome", "failed").counter().count();
        double spooled = meters.get("mediaflow.publish").tag("outcome", "spooled").counter().count();
        double accepted = meters.get("mediaflow.uploads").tags("outcome", "accepted", "media_type", "photo")
                .counter().count();

        client.post().uri("/api/media/upload").header("X-API-Key", "dev-alice-key")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(Multipart.file("down.jpg", TestFiles.image("jpg", 64, 48),
                        "image/jpeg").parts()))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED);

        assertThat(meters.get("mediaflow.uploads").tags("outcome", "accepted", "media_type", "photo").counter().count())
                .isEqualTo(accepted + 1);
        assertThat(meters.get("mediaflow.publish").tag("outcome", "spooled").counter().count()).isEqualTo(spooled + 1);
        assertThat(meters.get("mediaflow.publish").tag("outcome", "failed").counter().count())
                .isGreaterThanOrEqualTo(failed + 1);
        assertThat(meters.get("mediaflow.publish").tag("outcome", "confirmed").counter().count()).isZero();
        assertThat(meters.get("mediaflow.spool.jobs").gauge().value()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void healthIsDegradedAndSaysWhatIsDownButTheGatewayStaysReady() {
        client.get().uri("/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("degraded")
                .jsonPath("$.service").isEqualTo("gateway")
                .jsonPath("$.dependencies.rabbitmq").isEqualTo("down")
                .jsonPath("$.dependencies.queue-service").isEqualTo("down")
                .jsonPath("$.dependencies.redis").isEqualTo("down")
                .jsonPath("$.dependencies.postgres").isEqualTo("down")
                .jsonPath("$.dependencies.vision-worker").isEqualTo("down");
        client.get().uri("/health/ready").exchange().expectStatus().isOk();
    }

    @Test
    void anUploadIsAcceptedAsPendingAndItsItemIsServedFromTheSpool() throws Exception {
        byte[] jpeg = TestFiles.image("jpg", 120, 80);
        Multipart multipart = Multipart.file("offline.jpg", jpeg, "image/jpeg").field("operations", "thumbnail,depth")
                .field("projectId", "proj-1");

        Map<String, Object> body = client.post().uri("/api/media/upload").header("X-API-Key", "dev-alice-key")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(multipart.parts()))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(body).containsEntry("status", "pending").containsEntry("success", true);
        String jobId = (String) body.get("queueId");
        Path spooled = STORAGE.resolve("spool/" + jobId + ".json");
        assertThat(spooled).exists();
        JobSubmission submission = Json.read(Files.readAllBytes(spooled), JobSubmission.class);
        assertThat(submission.owner()).isEqualTo("alice");
        assertThat(submission.sha256()).isEqualTo(TestFiles.sha256(jpeg));
        assertThat(STORAGE.resolve(submission.inputPath())).exists();

        Map<String, Object> item = client.get().uri("/api/queue/items/" + jobId).header("X-API-Key", "dev-alice-key")
                .exchange()
                .expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(item).containsOnlyKeys("id", "media_item_id", "status", "priority", "attempts", "max_attempts",
                "last_error", "queued_at", "started_at", "completed_at", "duration_ms", "original_filename",
                "media_type", "file_size", "sha256", "operations", "project_id", "batch_id", "results", "attempts_log");
        assertThat(item).containsEntry("attempts_log", java.util.List.of());
        assertThat(item).containsEntry("id", jobId)
                .containsEntry("media_item_id", body.get("mediaItemId"))
                .containsEntry("status", "pending")
                .containsEntry("attempts", 0)
                .containsEntry("max_attempts", 3)
                .containsEntry("original_filename", "offline.jpg")
                .containsEntry("media_type", "photo")
                .containsEntry("file_size", jpeg.length)
                .containsEntry("operations", List.of("thumbnail", "depth"))
                .containsEntry("project_id", "proj-1")
                .containsEntry("batch_id", null)
                .containsEntry("results", Map.of());
        assertThat(item.get("queued_at").toString()).endsWith("Z");

        client.get().uri("/api/queue/items/" + jobId).header("X-API-Key", "dev-admin-key").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("pending");
        // the seed's job status of the same job, from the same record
        client.get().uri("/api/queue/status/" + jobId).header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.success").isEqualTo(true)
                .jsonPath("$.job.id").isEqualTo(jobId)
                .jsonPath("$.job.type").isEqualTo("process_media")
                .jsonPath("$.job.status").isEqualTo("pending")
                .jsonPath("$.job.maxAttempts").isEqualTo(3)
                .jsonPath("$.job.data.mediaItemId").isEqualTo(body.get("mediaItemId"))
                .jsonPath("$.job.data.projectId").isEqualTo("proj-1");
        client.get().uri("/api/queue/status/" + jobId).header("X-API-Key", "dev-bob-key").exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        // bob does not own it; with queue-service down the gateway cannot say more than "unavailable"
        client.get().uri("/api/queue/items/" + jobId).header("X-API-Key", "dev-bob-key").exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.error").isEqualTo("queue_service_unavailable");

        // the broker being down does not make the gateway DOWN: it keeps accepting into the spool
        client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");

        // the drainer keeps it: still pending after a failed round
        Thread.sleep(1500);
        assertThat(spooled).exists();
    }

    @Test
    void aPendingJobIsCancelledInTheGatewayAndStaysCancelled() throws Exception {
        Multipart multipart = Multipart.file("cancel-me.png", TestFiles.image("png", 64, 48), "image/png");
        Map<String, Object> body = client.post().uri("/api/media/upload").header("X-API-Key", "dev-alice-key")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(multipart.parts()))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(body).containsEntry("status", "pending");
        String jobId = (String) body.get("queueId");

        // bob may not cancel it: his call goes to queue-service, which is down
        client.post().uri("/api/queue/items/" + jobId + "/cancel").header("X-API-Key", "dev-bob-key").exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        client.post().uri("/api/queue/items/" + jobId + "/cancel").header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.success").isEqualTo(true)
                .jsonPath("$.queueId").isEqualTo(jobId);
        assertThat(STORAGE.resolve("spool/" + jobId + ".cancelled")).exists();
        client.get().uri("/api/queue/items/" + jobId).header("X-API-Key", "dev-alice-key").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("cancelled");
        // cancelled is final: a second cancel is a conflict (also through the seed alias)
        client.delete().uri("/api/v1/vision/jobs/" + jobId + "/cancel").header("X-API-Key", "dev-alice-key")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody().jsonPath("$.error").isEqualTo("conflict");
    }
}
