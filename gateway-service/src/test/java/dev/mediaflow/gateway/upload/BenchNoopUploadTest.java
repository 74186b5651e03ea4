package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code MEDIAFLOW_BENCH_NOOP=true} an upload may ask for the queue benchmark's {@code noop}: one image task
 * that names it alone (its refusal with the switch off is in {@link UploadApiTest}).
 */
@TestPropertySource(properties = "mediaflow.bench-noop=true")
class BenchNoopUploadTest extends GatewayIntegrationTest {

    @Test
    void noopIsAcceptedAndGoesToTheImageWorkerAlone() {
        Map<String, Object> body = upload(ALICE, Multipart.file("n.png", TestFiles.image("png", 8, 8), "image/png")
                .field("operations", "noop"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
                }).returnResult().getResponseBody();

        assertThat(body).containsEntry("operations", List.of("noop"));
        UUID jobId = UUID.fromString((String) body.get("queueId"));
        TaskMessage image = awaitMessage(WorkerKind.IMAGE.queue(), TaskMessage.class, t -> jobId.equals(t.jobId()))
                .body();
        assertThat(image.operations()).containsExactly(Operation.NOOP);
        assertThat(rabbit.receive(WorkerKind.VISION.queue())).isNull();
    }

    @Test
    void noUploadGetsNoopUnlessItAsks() {
        upload(ALICE, Multipart.file("d.png", TestFiles.image("png", 9, 9), "image/png"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody().jsonPath("$.operations.length()").isEqualTo(4);
    }
}
