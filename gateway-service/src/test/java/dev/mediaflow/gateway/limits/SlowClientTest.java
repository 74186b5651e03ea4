package dev.mediaflow.gateway.limits;

import dev.mediaflow.gateway.support.AbuseLimitsIntegrationTest;
import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slowloris on a real socket: an upload whose body stalls, and one that trickles in fast enough
 * never to be idle but never ends. Both are cut off (idle timeout 2 s, body time limit 6 s in this
 * context) and leave nothing on disk; an ordinary upload still goes through.
 */
class SlowClientTest extends AbuseLimitsIntegrationTest {

    private static final byte[] JPEG = TestFiles.image("jpg", 64, 48);

    @Test
    void anUploadWhoseBodyStallsIsCutOffAfterTheIdleTimeoutAndLeavesNothing() throws Exception {
        List<Path> uploadsBefore = TestFiles.filesUnder(STORAGE.resolve("uploads"));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            byte[] body = Multipart.file("slow.jpg", new byte[500_000], "image/jpeg").rawBytes();
            out.write(head(ALICE, body.length));
            out.write(Arrays.copyOf(body, 20_000));
            out.flush();
            Instant stalled = Instant.now();

            Duration cutOffAfter = awaitCutOff(socket.getInputStream(), stalled);
            assertThat(cutOffAfter).isGreaterThanOrEqualTo(Duration.ofMillis(1900)).isLessThan(Duration.ofSeconds(12));
        }
        awaitNoTempFiles();
        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).isEqualTo(uploadsBefore);
        upload(ALICE, Multipart.file("fine.jpg", JPEG, "image/jpeg")).expectStatus().isAccepted();
    }

    @Test
    void anUploadThatTricklesForeverIsCutOffAtTheBodyTimeLimit() throws Exception {
        List<Path> uploadsBefore = TestFiles.filesUnder(STORAGE.resolve("uploads"));
        Instant start;
        Duration cutOffAfter = null;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(300);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] body = Multipart.file("trickle.jpg", new byte[500_000], "image/jpeg").rawBytes();
            out.write(head(BOB, body.length));
            out.flush();
            start = Instant.now();
            // 100 bytes every 300 ms: never idle for the 2 s timeout, 500 KB would take 25 minutes
            for (int offset = 0; offset < body.length && Duration.between(start, Instant.now()).toSeconds() < 30;
                 offset += 100) {
                try {
                    out.write(body, offset, 100);
                    out.flush();
                } catch (SocketException cut) {
                    cutOffAfter = Duration.between(start, Instant.now());
                    break;
                }
                try {
                    int read = in.read();
                    if (read < 0 || read == 'H') {
                        cutOffAfter = Duration.between(start, Instant.now());
                        break;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // nothing from the server yet: keep trickling
                } catch (SocketException cut) {
                    cutOffAfter = Duration.between(start, Instant.now());
                    break;
                }
            }
        }
        assertThat(cutOffAfter).as("the trickling upload was cut off").isNotNull();
        assertThat(cutOffAfter).isGreaterThanOrEqualTo(Duration.ofMillis(5500)).isLessThan(Duration.ofSeconds(20));
        awaitNoTempFiles();
        assertThat(TestFiles.filesUnder(STORAGE.resolve("uploads"))).isEqualTo(uploadsBefore);
    }

    private byte[] head(String key, int contentLength) {
        return ("POST /api/media/upload HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-API-Key: " + key
                + "\r\nContent-Type: " + Multipart.noFile().rawContentType() + "\r\nContent-Length: " + contentLength
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Blocks until the server answers or closes the connection; how long after {@code since}. */
    private static Duration awaitCutOff(InputStream in, Instant since) throws IOException {
        try {
            in.read();
        } catch (SocketException reset) {
            // closed hard: cut off as well
        }
        return Duration.between(since, Instant.now());
    }

    private static void awaitNoTempFiles() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!tempFiles().isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(tempFiles()).isEmpty();
    }
}
