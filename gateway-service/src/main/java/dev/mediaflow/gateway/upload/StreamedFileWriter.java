package dev.mediaflow.gateway.upload;

import dev.mediaflow.http.ApiException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes an upload's bytes, chunk by chunk as they arrive, to its temporary file: hashed and counted on the way,
 * never held in memory, and stopped with 413 at the first byte past {@code MEDIAFLOW_MAX_UPLOAD_BYTES}. Every
 * {@link UploadSource} writes through it, so a file fetched from Immich meets the same limit as a client's.
 */
public final class StreamedFileWriter {

    private final long maxBytes;

    public StreamedFileWriter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public Mono<ReceivedFile> write(Flux<DataBuffer> bytes, Path tempFile, String clientFilename) {
        return Mono.defer(() -> {
            MessageDigest sha256 = newSha256();
            long[] total = {0};
            // map, not handle: handle restores every thread local around each call when automatic context
            // propagation is on, and this runs per chunk of the file and never logs
            Flux<DataBuffer> limited = bytes.map(buffer -> {
                total[0] += buffer.readableByteCount();
                if (total[0] > maxBytes) {
                    DataBufferUtils.release(buffer);
                    throw payloadTooLarge(maxBytes);
                }
                try (DataBuffer.ByteBufferIterator chunks = buffer.readableByteBuffers()) {
                    while (chunks.hasNext()) {
                        sha256.update(chunks.next());
                    }
                }
                return buffer;
            });
            return DataBufferUtils.write(limited, tempFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    .then(Mono.fromSupplier(() -> new ReceivedFile(tempFile, clientFilename, total[0],
                            HexFormat.of().formatHex(sha256.digest()))));
        });
    }

    public static ApiException payloadTooLarge(long maxBytes) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE.value(), "payload_too_large",
                "the file is larger than the limit of " + maxBytes + " bytes");
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
