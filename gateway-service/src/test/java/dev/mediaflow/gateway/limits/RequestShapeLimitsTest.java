package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.support.AbuseLimitsIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of a request cannot be used to exhaust the gateway: a flood of form fields, an oversized
 * field, oversized headers, and a chunked body (no Content-Length) that hides its bulk in a part
 * other than the file. Each is refused with the error shape and leaves nothing; the same upload
 * within the limits is accepted.
 */
class RequestShapeLimitsTest extends AbuseLimitsIntegrationTest {

    private static final byte[] JPEG = TestFiles.image("jpg", 64, 48);

    @Test
    void aFloodOfFormFieldsIsRefusedAndAFewAreFine() {
        List<Path> before = TestFiles.filesUnder(STORAGE.resolve("uploads"));
        Multipart flood = Multipart.file("a.jpg", JPEG, "image/jpeg");
        for (int i = 0; i < 40; i++) {
            flood.field("junk" + i, "x");
        }
        upload(ALICE, flood).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request").jsonPath("$.message").exists();
        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).isEqualTo(before);
        assertThat(tempFiles()).isEmpty();

        upload(ALICE, Multipart.file("a.jpg", JPEG, "image/jpeg").field("projectId", "p").field("batchId", "b")
                .field("priority", "7")).expectStatus().isAccepted();
    }

    @Test
    void anOversizedFormFieldIsRefused() {
        upload(ALICE, Multipart.file("a.jpg", JPEG, "image/jpeg").field("projectId", "p".repeat(100_000)))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request");
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void oversizedHeadersAreRefusedBeforeAnythingIsRead() {
        client.get().uri("/api/queue/stats").header("X-API-Key", BOB).header("X-Filler", "f".repeat(20_000))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
        client.get().uri("/api/queue/stats").header("X-API-Key", BOB).header("X-Filler", "f".repeat(2_000))
                .exchange()
                .expectStatus().isOk();
        // over Netty's default of 8 KiB, under MEDIAFLOW_MAX_HEADER_BYTES (16KB): the limit is the setting's, also
        // with the decoder's larger body chunks (RequestBodyChunks copies the decoder's other settings)
        client.get().uri("/api/queue/stats").header("X-API-Key", BOB).header("X-Filler", "f".repeat(12_000))
                .exchange()
                .expectStatus().isOk();
    }

    @Test
    void aChunkedBodyIsCountedLikeContentLengthWhateverPartHoldsTheBytes() {
        List<Path> before = TestFiles.filesUnder(STORAGE.resolve("uploads"));
        // a small real file, then 2 MB in a part the gateway does not keep: over the 1 MB limit
        byte[] hidden = multipart(JPEG, new byte[2 * (int) MAX_UPLOAD]);
        client.post().uri("/api/media/upload").header("X-API-Key", BOB)
                .contentType(Multipart.noFile().rawContentType())
                .body(chunked(hidden), DataBuffer.class)
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
                .expectBody().jsonPath("$.error").isEqualTo("payload_too_large");
        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).isEqualTo(before);
        assertThat(tempFiles()).isEmpty();

        byte[] fine = multipart(JPEG, new byte[1000]);
        client.post().uri("/api/media/upload").header("X-API-Key", BOB)
                .contentType(Multipart.noFile().rawContentType())
                .body(chunked(fine), DataBuffer.class)
                .exchange()
                .expectStatus().isAccepted();
    }

    /** The file part first, then an ignored part with a filename holding {@code extra}. */
    private static byte[] multipart(byte[] file, byte[] extra) {
        String boundary = Multipart.BOUNDARY;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"attachment\"; "
                + "filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(extra);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** No Content-Length: the client sends it with Transfer-Encoding: chunked, 64 KB at a time. */
    private static Flux<DataBuffer> chunked(byte[] bytes) {
        List<byte[]> chunks = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; offset += 65_536) {
            chunks.add(java.util.Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + 65_536)));
        }
        return Flux.fromIterable(chunks).map(DefaultDataBufferFactory.sharedInstance::wrap);
    }
}
