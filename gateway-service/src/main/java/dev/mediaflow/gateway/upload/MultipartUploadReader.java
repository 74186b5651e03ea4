package dev.mediaflow.gateway.upload;

import dev.mediaflow.http.ApiException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.FormPartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a multipart upload as a stream of part events: the file part goes chunk by chunk to a
 * temporary file (hashed and counted on the way, never held in memory) and reading stops at the
 * first byte past the size limit; form fields are validated as they arrive.
 */
final class MultipartUploadReader {

    static final Set<String> FILE_FIELDS = Set.of("media", "file", "image");

    private final long maxBytes;

    MultipartUploadReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    Mono<ReceivedUpload> read(Flux<PartEvent> events, Path tempFile) {
        AtomicReference<UploadOptions> options = new AtomicReference<>(UploadOptions.defaults());
        AtomicReference<ReceivedFile> file = new AtomicReference<>();
        return events.windowUntil(PartEvent::isLast)
                .concatMap(part -> part.switchOnFirst((first, all) -> {
                    if (!first.hasValue()) {
                        return all.then();
                    }
                    PartEvent event = first.get();
                    if (event instanceof FilePartEvent filePart && FILE_FIELDS.contains(filePart.name())
                            && file.get() == null) {
                        return writeFile(all, tempFile, filePart.filename()).doOnNext(file::set).then();
                    }
                    if (event instanceof FormPartEvent field) {
                        options.set(options.get().with(field.name(), field.value()));
                    }
                    return all.doOnNext(e -> DataBufferUtils.release(e.content())).then();
                }))
                .then(Mono.fromSupplier(() -> {
                    ReceivedFile received = file.get();
                    if (received == null) {
                        throw ApiException.badRequest("no file: send it as multipart/form-data field 'media'");
                    }
                    if (received.size() == 0) {
                        throw ApiException.badRequest("the uploaded file is empty");
                    }
                    return new ReceivedUpload(received, options.get());
                }));
    }

    private Mono<ReceivedFile> writeFile(Flux<PartEvent> part, Path tempFile, String clientFilename) {
        MessageDigest sha256 = newSha256();
        long[] total = {0};
        Flux<DataBuffer> limited = part.map(PartEvent::content).handle((buffer, sink) -> {
            total[0] += buffer.readableByteCount();
            if (total[0] > maxBytes) {
                DataBufferUtils.release(buffer);
                sink.error(payloadTooLarge(maxBytes));
                return;
            }
            try (DataBuffer.ByteBufferIterator chunks = buffer.readableByteBuffers()) {
                while (chunks.hasNext()) {
                    ByteBuffer chunk = chunks.next();
                    sha256.update(chunk);
                }
            }
            sink.next(buffer);
        });
        return DataBufferUtils.write(limited, tempFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                .then(Mono.fromSupplier(() -> new ReceivedFile(tempFile, clientFilename, total[0],
                        HexFormat.of().formatHex(sha256.digest()))));
    }

    static ApiException payloadTooLarge(long maxBytes) {
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
