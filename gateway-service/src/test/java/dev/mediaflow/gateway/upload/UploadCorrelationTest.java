package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.CorrelationId;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.reactive.function.BodyInserters;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** An upload's correlation id: answered to the client, logged with the job, carried by every message of the job. */
@ExtendWith(OutputCaptureExtension.class)
class UploadCorrelationTest extends GatewayIntegrationTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_MAP = new ParameterizedTypeReference<>() {
    };

    @Test
    void theClientsIdIsAnsweredLoggedWithTheJobAndCarriedByTheJobsEventAndTasks(CapturedOutput output) {
        EntityExchangeResult<Map<String, Object>> result = client.post().uri("/api/media/upload")
                .header("X-API-Key", ALICE)
                .header(CorrelationId.HEADER, "upload-corr-77")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(
                        Multipart.file("a.jpg", TestFiles.image("jpg", 64, 48), "image/jpeg").parts()))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectHeader().valueEquals(CorrelationId.HEADER, "upload-corr-77")
                .expectBody(JSON_MAP).returnResult();
        UUID jobId = UUID.fromString((String) result.getResponseBody().get("queueId"));

        assertJobCarries(jobId, "upload-corr-77");
        assertThat(output.getOut().lines()
                .filter(line -> line.contains("Accepted photo") && line.contains("[upload-corr-77 " + jobId + "]")))
                .as("the gateway's line for the accepted job shows both ids").hasSize(1);
    }

    @Test
    void anUploadWithoutAnIdGetsOneAndItsMessagesCarryThatOne() {
        EntityExchangeResult<Map<String, Object>> result = upload(BOB, Multipart.file("b.png", TestFiles.image("png", 40, 30), "image/png"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult();
        String made = result.getResponseHeaders().getFirst(CorrelationId.HEADER);
        assertThat(CorrelationId.accept(made)).isPresent();

        assertJobCarries(UUID.fromString((String) result.getResponseBody().get("queueId")), made);
    }

    @Test
    void aRefusedUploadAnswersWithItsIdToo() {
        client.post().uri("/api/media/upload").header("X-API-Key", ALICE).header(CorrelationId.HEADER, "refused-corr-1")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(
                        Multipart.file("notes.txt", "not a picture".getBytes(), "text/plain").parts()))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .expectHeader().valueEquals(CorrelationId.HEADER, "refused-corr-1");
    }

    private void assertJobCarries(UUID jobId, String correlationId) {
        Received<JobEvent> submitted = awaitMessage(EVENTS_PROBE, JobEvent.class, e -> jobId.equals(e.jobId()));
        assertThat(submitted.body().submission().correlationId()).isEqualTo(correlationId);
        assertThat(CorrelationId.of(submitted.message())).contains(correlationId);
        for (WorkerKind kind : WorkerKind.values()) {
            Received<TaskMessage> task = awaitMessage(kind.queue(), TaskMessage.class, t -> jobId.equals(t.jobId()));
            assertThat(CorrelationId.of(task.message())).as(kind.json()).contains(correlationId);
        }
    }
}
