package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.limits.UploadBodyLimit;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
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
 * {@link UploadSource} writes through it, so a file fetched from Immich meets the same limit as a client's. A large
 * upload is written past the page cache where it can be ({@link DirectWrites}); the rest as before, hashed on the
 * thread that delivers the bytes.
 */
public final class StreamedFileWriter {

    private final long maxBytes;
    private final DirectWrites direct;

    /** Writes everything through the page cache. */
    public StreamedFileWriter(long maxBytes) {
        this(maxBytes, DirectWrites.NONE);
    }

    public StreamedFileWriter(long maxBytes, DirectWrites direct) {
        this.maxBytes = maxBytes;
        this.direct = direct;
    }

    /** @param expectedBytes how long the upload says it is (a Content-Length), negative when it does not say */
    public Mono<ReceivedFile> write(Flux<DataBuffer> bytes, Path tempFile, String clientFilename, long expectedBytes) {
        return Mono.defer(() -> {
            MessageDigest sha256 = newSha256();
            boolean directly = direct.suits(expectedBytes);
            long[] total = {0};
            // map, not handle: handle restores every thread local around each call when automatic context
            // propagation is on, and this runs per chunk of the file and never logs
            Flux<DataBuffer> limited = bytes.map(buffer -> {
                total[0] += buffer.readableByteCount();
                if (total[0] > maxBytes) {
                    DataBufferUtils.release(buffer);
                    throw UploadBodyLimit.payloadTooLarge(maxBytes);
                }
                if (!directly) {
                    try (DataBuffer.ByteBufferIterator chunks = buffer.readableByteBuffers()) {
                        while (chunks.hasNext()) {
                            sha256.update(chunks.next());
                        }
                    }
                }
                return buffer;
            });
            Mono<?> written = directly ? direct.write(limited, tempFile, sha256)
                    : DataBufferUtils.write(limited, tempFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return written.then(Mono.fromSupplier(() -> new ReceivedFile(tempFile, clientFilename, total[0],
                    HexFormat.of().formatHex(sha256.digest()))));
        });
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
