package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.support.GatewayIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upload route's own multipart reader, end to end, with bodies sent in small pieces so that boundaries fall
 * across request buffers: a file holding boundary-like bytes is stored byte for byte, and each malformed body is
 * refused with 400 and leaves nothing on disk (no upload, no temporary file).
 */
class MalformedMultipartApiTest extends GatewayIntegrationTest {

    private static final String BOUNDARY = Multipart.BOUNDARY;
    private static final byte[] JPEG = TestFiles.image("jpg", 64, 48);

    @Test
    void aFileHoldingBoundaryLikeBytesIsStoredByteForByte() throws Exception {
        byte[] file = concat(JPEG, ("\r\n--" + BOUNDARY.substring(0, 20) + "\r\n--\r\rx--" + BOUNDARY + "\r\n--"
                + BOUNDARY.substring(0, BOUNDARY.length() - 1)).getBytes(StandardCharsets.ISO_8859_1), JPEG);
        byte[] body = concat(field("projectId", "lookalikes"), filePart(file), close());

        String item = send(body, 7).expectStatus().isAccepted()
                .expectBody(UploadResponse.class).returnResult().getResponseBody().mediaItemId().toString();

        Path stored = TestFiles.filesUnder(STORAGE.resolve("uploads")).stream()
                .filter(p -> p.getFileName().toString().startsWith(item)).findFirst().orElseThrow();
        assertThat(Files.readAllBytes(stored)).isEqualTo(file);
    }

    @Test
    void aBodyWithoutItsClosingBoundaryIsRefusedAndLeavesNothing() {
        refused(concat(field("projectId", "p"), filePart(JPEG)), "ended before its closing boundary");
    }

    @Test
    void aBodyCutShortInsideTheFileIsRefusedAndLeavesNothing() {
        byte[] whole = concat(filePart(JPEG), close());
        refused(Arrays.copyOf(whole, whole.length / 2), "ended before its closing boundary");
    }

    @Test
    void aPartWithoutContentDispositionIsRefusedAndLeavesNothing() {
        byte[] anonymous = ("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        refused(concat(filePart(JPEG), anonymous, close()), "no Content-Disposition with a name");
    }

    @Test
    void aFieldOverTheLimitIsRefusedAndLeavesNothing() {
        refused(concat(filePart(JPEG), field("batchId", "b".repeat(70_000)), close()),
                "form field 'batchId' is larger than");
    }

    private void refused(byte[] body, String why) {
        List<Path> before = TestFiles.filesUnder(STORAGE.resolve("uploads"));

        send(body, 5).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("bad_request")
                .jsonPath("$.message").value(message -> assertThat((String) message).contains(why));

        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).containsExactlyInAnyOrderElementsOf(before);
        assertThat(TestFiles.filesUnder(STORAGE.resolve("tmp"))).isEmpty();
    }

    /** Sends {@code body} chunked, {@code piece} bytes at a time. */
    private WebTestClient.ResponseSpec send(byte[] body, int piece) {
        List<byte[]> pieces = new ArrayList<>();
        for (int offset = 0; offset < body.length; offset += piece) {
            pieces.add(Arrays.copyOfRange(body, offset, Math.min(body.length, offset + piece)));
        }
        return client.post().uri("/api/media/upload").header("X-API-Key", ALICE)
                .contentType(Multipart.noFile().rawContentType())
                .body(Flux.fromIterable(pieces).map(DefaultDataBufferFactory.sharedInstance::wrap), DataBuffer.class)
                .exchange();
    }

    private static byte[] field(String name, String value) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] filePart(byte[] content) {
        return concat(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII), content,
                "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] close() {
        return ("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
