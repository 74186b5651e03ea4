package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.HostileMedia;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.PriorityRule;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class UploadApiTest extends GatewayIntegrationTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_MAP = new ParameterizedTypeReference<>() {
    };

    @Test
    void jpegIsStoredUnderTheOwnerAndPublishedAsAJobWithOneTaskPerWorkerKind() throws Exception {
        byte[] jpeg = TestFiles.image("jpg", 640, 480);

        EntityExchangeResult<Map<String, Object>> result = upload(ALICE,
                Multipart.file("holiday.jpg", jpeg, "image/jpeg").field("projectId", "p-7").field("batchId", "b-1"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult();
        Map<String, Object> body = result.getResponseBody();

        assertThat(body).containsOnlyKeys("success", "message", "mediaItemId", "queueId", "filename", "size",
                "type", "priority", "sha256", "operations", "status");
        UUID mediaItemId = UUID.fromString((String) body.get("mediaItemId"));
        UUID jobId = UUID.fromString((String) body.get("queueId"));
        int expectedPriority = PriorityRule.priority(MediaType.PHOTO, jpeg.length, MAX_UPLOAD);
        assertThat(body).containsEntry("success", true)
                .containsEntry("filename", "holiday.jpg")
                .containsEntry("size", jpeg.length)
                .containsEntry("type", "photo")
                .containsEntry("priority", expectedPriority)
                .containsEntry("sha256", TestFiles.sha256(jpeg))
                .containsEntry("operations", List.of("thumbnail", "blur", "low-quality", "depth"))
                .containsEntry("status", "queued");
        assertThat(result.getResponseHeaders().getLocation()).hasToString("/api/queue/items/" + jobId);

        Path stored = STORAGE.resolve("uploads/alice/" + mediaItemId + ".jpg");
        assertThat(stored).exists();
        assertThat(Files.readAllBytes(stored)).isEqualTo(jpeg);
        assertThat(STORAGE.resolve("spool/" + jobId + ".json")).doesNotExist();
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();

        JobEvent submitted = awaitMessage(EVENTS_PROBE, JobEvent.class, e -> jobId.equals(e.jobId())).body();
        assertThat(submitted.type()).isEqualTo(EventType.JOB_SUBMITTED);
        assertThat(submitted.submission().owner()).isEqualTo("alice");
        assertThat(submitted.submission().inputPath()).isEqualTo("uploads/alice/" + mediaItemId + ".jpg");
        assertThat(submitted.submission().originalFilename()).isEqualTo("holiday.jpg");
        assertThat(submitted.submission().projectId()).isEqualTo("p-7");
        assertThat(submitted.submission().batchId()).isEqualTo("b-1");
        assertThat(submitted.submission().run()).isEqualTo(1);

        Received<TaskMessage> image = awaitMessage(WorkerKind.IMAGE.queue(), TaskMessage.class,
                t -> jobId.equals(t.jobId()));
        assertThat(image.body().worker()).isEqualTo(WorkerKind.IMAGE);
        assertThat(image.body().operations()).containsExactly(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);
        assertThat(image.body().mediaItemId()).isEqualTo(mediaItemId);
        assertThat(image.body().owner()).isEqualTo("alice");
        assertThat(image.body().mediaType()).isEqualTo(MediaType.PHOTO);
        assertThat(image.body().inputPath()).isEqualTo("uploads/alice/" + mediaItemId + ".jpg");
        assertThat(image.body().outputDir()).isEqualTo("processed/alice/" + mediaItemId);
        assertThat(image.body().priority()).isEqualTo(expectedPriority);
        assertThat(image.body().attempt()).isEqualTo(1);
        assertThat(image.body().maxAttempts()).isEqualTo(3);
        assertThat(image.body().sha256()).isEqualTo(TestFiles.sha256(jpeg));
        assertThat(image.body().createdAt()).isNotNull();
        MessageProperties props = image.message().getMessageProperties();
        assertThat(props.getPriority()).isEqualTo(PriorityRule.amqpPriority(expectedPriority));
        assertThat(props.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(props.getContentType()).isEqualTo("application/json");

        Received<TaskMessage> vision = awaitMessage(WorkerKind.VISION.queue(), TaskMessage.class,
                t -> jobId.equals(t.jobId()));
        assertThat(vision.body().operations()).containsExactly(Operation.DEPTH);
        assertThat(vision.message().getMessageProperties().getPriority())
                .isEqualTo(PriorityRule.amqpPriority(expectedPriority));

        // queue-service is absent here: the gateway still shows its owner the job it just queued
        client.get().uri("/api/queue/items/" + jobId).header("X-API-Key", ALICE).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("queued")
                .jsonPath("$.media_item_id").isEqualTo(mediaItemId.toString());
        // (its body read, as every answer here: an unread one is never released, which Netty reports as a leak)
        client.get().uri("/api/queue/items/" + jobId).header("X-API-Key", BOB).exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.error").isEqualTo("queue_service_unavailable");
    }

    @Test
    void thumbnailOnlyMakesNoVisionTaskAndHonoursPriorityAndAttempts() {
        byte[] png = TestFiles.image("png", 300, 200);

        Map<String, Object> body = upload(BOB, Multipart.file("x.png", png, "image/png")
                .field("operations", "thumbnail").field("priority", "150").field("maxAttempts", "5"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody();

        UUID jobId = UUID.fromString((String) body.get("queueId"));
        assertThat(body).containsEntry("operations", List.of("thumbnail")).containsEntry("priority", 150);
        assertThat(STORAGE.resolve("uploads/bob/" + body.get("mediaItemId") + ".png")).exists();
        Received<TaskMessage> image = awaitMessage(WorkerKind.IMAGE.queue(), TaskMessage.class,
                t -> jobId.equals(t.jobId()));
        assertThat(image.body().operations()).containsExactly(Operation.THUMBNAIL);
        assertThat(image.body().maxAttempts()).isEqualTo(5);
        assertThat(image.message().getMessageProperties().getPriority()).isEqualTo(PriorityRule.amqpPriority(150));
        // both tasks of a job go out in one confirmed batch: the image task is here, so a vision task would be too
        assertThat(rabbit.receive(WorkerKind.VISION.queue())).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "image"})
    void acceptsTheAlternativeFileFieldNames(String field) {
        upload(ALICE, Multipart.file(field, "a.gif", TestFiles.image("gif", 20, 20), "image/gif"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody().jsonPath("$.type").isEqualTo("photo").jsonPath("$.status").isEqualTo("queued");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "priority    | 0        | priority",
            "priority    | 201      | priority",
            "priority    | high     | priority",
            "maxAttempts | 11       | maxAttempts",
            "maxAttempts | 0        | maxAttempts",
            "operations  | sharpen  | operations",
            "operations  | ' , '    | operations"})
    void aBadFieldIsRefusedNamingItAndLeavesNoFile(String field, String value, String named) {
        List<Path> before = TestFiles.filesUnder(STORAGE.resolve("uploads"));

        upload(ALICE, Multipart.file("p.jpg", TestFiles.image("jpg", 50, 50), "image/jpeg").field(field, value))
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error").isEqualTo("bad_request")
                .jsonPath("$.message").value(message -> assertThat((String) message).contains(named));

        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).containsExactlyInAnyOrderElementsOf(before);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
    }

    @Test
    void theBenchmarksNoopIsRefusedLikeAnUnknownOperationWhileItsSwitchIsOff() {
        String unknown = refusedOperation("sharpen");
        String noop = refusedOperation("noop");

        assertThat(noop).isEqualTo(unknown.replace("sharpen", "noop"));
    }

    private String refusedOperation(String name) {
        return (String) upload(ALICE, Multipart.file("p.jpg", TestFiles.image("jpg", 50, 50), "image/jpeg")
                .field("operations", name))
                .expectStatus().isBadRequest()
                .expectBody(JSON_MAP).returnResult().getResponseBody().get("message");
    }

    @Test
    void aMissingFileIsABadRequest() {
        upload(ALICE, Multipart.noFile().field("operations", "thumbnail"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request");
        upload(ALICE, Multipart.file("attachment", "p.jpg", TestFiles.image("jpg", 10, 10), "image/jpeg"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.message").value(message -> assertThat((String) message).contains("'media'"));
    }

    @Test
    void anUploadOverTheLimitIsRefusedWhileStreamingAndLeavesNothing() {
        List<Path> before = TestFiles.filesUnder(STORAGE.resolve("uploads"));
        byte[] tooBig = TestFiles.random((int) MAX_UPLOAD + 20_000, 1);
        tooBig[0] = (byte) 0xFF;
        tooBig[1] = (byte) 0xD8;
        tooBig[2] = (byte) 0xFF;

        upload(ALICE, Multipart.file("big.jpg", tooBig, "image/jpeg"))
                .expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
                .expectBody().jsonPath("$.error").isEqualTo("payload_too_large");

        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).containsExactlyInAnyOrderElementsOf(before);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
    }

    @Test
    void anUploadWhoseContentLengthIsOverTheLimitIsRefusedAtOnce() {
        List<Path> before = TestFiles.filesUnder(STORAGE.resolve("uploads"));
        Multipart multipart = Multipart.file("big.jpg", TestFiles.random(3 * (int) MAX_UPLOAD, 2), "image/jpeg");

        client.post().uri("/api/media/upload")
                .header("X-API-Key", ALICE)
                .contentType(multipart.rawContentType())
                .bodyValue(multipart.rawBytes())
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
                .expectBody().jsonPath("$.error").isEqualTo("payload_too_large");

        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).containsExactlyInAnyOrderElementsOf(before);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
    }

    @Test
    void anUploadJustUnderTheLimitWithAKnownLengthIsAccepted() {
        byte[] jpeg = TestFiles.image("jpg", 64, 64);
        Multipart multipart = Multipart.file("raw.jpg", jpeg, "image/jpeg").field("operations", "blur");

        client.post().uri("/api/media/upload")
                .header("X-API-Key", ALICE)
                .contentType(multipart.rawContentType())
                .bodyValue(multipart.rawBytes())
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody().jsonPath("$.sha256").isEqualTo(TestFiles.sha256(jpeg))
                .jsonPath("$.filename").isEqualTo("raw.jpg");
    }

    /** Declared large enough, the upload is written past the page cache (upload.DirectWrites): the same bytes land. */
    @Test
    void aLargeUploadIsStoredByteForBytePastThePageCache() throws Exception {
        byte[] jpeg = TestFiles.image("jpg", 64, 64);
        byte[] large = java.util.Arrays.copyOf(jpeg, jpeg.length + 700_001);
        System.arraycopy(TestFiles.random(700_001, 5), 0, large, jpeg.length, 700_001);
        Multipart multipart = Multipart.file("large.jpg", large, "image/jpeg");
        assertThat((long) multipart.rawBytes().length).isGreaterThan(DIRECT_WRITE_MIN_BYTES);

        Map<String, Object> body = client.post().uri("/api/media/upload")
                .header("X-API-Key", ALICE)
                .contentType(multipart.rawContentType())
                .bodyValue(multipart.rawBytes())
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(body).containsEntry("size", large.length).containsEntry("sha256", TestFiles.sha256(large));
        Path stored = STORAGE.resolve("uploads/alice/" + body.get("mediaItemId") + ".jpg");
        assertThat(Files.readAllBytes(stored)).isEqualTo(large);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
    }

    @Test
    void typeComesFromTheBytesNotFromTheNameOrContentType() {
        List<Path> before = TestFiles.filesUnder(STORAGE.resolve("uploads"));
        byte[] text = "just some text, certainly not a photo\n".repeat(20).getBytes();

        upload(ALICE, Multipart.file("photo.jpg", text, "image/jpeg"))
                .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .expectBody().jsonPath("$.error").isEqualTo("unsupported_media_type");

        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).containsExactlyInAnyOrderElementsOf(before);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
    }

    @Test
    void aPngMisnamedAsTextIsStoredAsPng() {
        Map<String, Object> body = upload(ALICE, Multipart.file("notes.txt", TestFiles.image("png", 30, 30),
                "text/plain"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(STORAGE.resolve("uploads/alice/" + body.get("mediaItemId") + ".png")).exists();
    }

    @Test
    void anImageClaimingTooManyPixelsIsRefusedFromItsHeader() {
        List<Path> before = TestFiles.filesUnder(STORAGE.resolve("uploads"));

        upload(ALICE, Multipart.file("huge.png", TestFiles.pngHeaderClaiming(50_000, 50_000), "image/png"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.error").isEqualTo("too_many_pixels");

        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).containsExactlyInAnyOrderElementsOf(before);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0xC0, 0xC2, 0xC3, 0xC9})
    void aJpegClaimingTooManyPixelsIsRefusedWhateverItsCodingProcess(int startOfFrame) {
        // baseline, progressive, lossless and arithmetic frame headers; ImageIO reads only the first two
        byte[] jpeg = new byte[64];
        byte[] head = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) startOfFrame, 0, 17, 8,
                (byte) 0x9C, 0x40, (byte) 0x9C, 0x40, 3};
        System.arraycopy(head, 0, jpeg, 0, head.length);
        upload(ALICE, Multipart.file("huge.jpg", jpeg, "image/jpeg"))
                .expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectBody().jsonPath("$.message").value(m -> assertThat((String) m).contains("40000x40000"));
    }

    @Test
    void aJpegWithAReadableHeaderButCorruptDataIsAcceptedForTheWorkerToFail() {
        byte[] jpeg = HostileMedia.jpegWithCorruptScan(TestFiles.image("jpg", 64, 48));
        upload(ALICE, Multipart.file("broken.jpg", jpeg, "image/jpeg"))
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectBody().jsonPath("$.type").isEqualTo("photo").jsonPath("$.status").isEqualTo("queued");
    }

    @Test
    void aNonMultipartRequestIsRefused() {
        client.post().uri("/api/media/upload").header("X-API-Key", ALICE)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .expectBody().jsonPath("$.error").isEqualTo("unsupported_media_type");
    }
}
