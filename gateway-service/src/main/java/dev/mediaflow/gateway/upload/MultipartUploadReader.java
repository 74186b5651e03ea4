package dev.mediaflow.gateway.upload;

import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.util.Set;

/**
 * Reads a multipart upload straight from the request body: the file part goes buffer by buffer to a temporary file
 * through the {@link StreamedFileWriter}; form fields are validated as they arrive ({@link UploadParts}). The
 * upload route reads its body itself rather than through Spring's {@code PartEvent}s because Spring's parser
 * searches for the boundary with a callback per byte, the largest CPU cost of a small upload (docs/performance.md,
 * section 2); the limits are the same settings ({@link MultipartLimits}).
 */
final class MultipartUploadReader {

    static final Set<String> FILE_FIELDS = Set.of("media", "file", "image");

    private final StreamedFileWriter writer;
    private final MultipartLimits limits;
    private final boolean benchNoop;
    private final int fileChunkBytes;
    private final DataBufferFactory fileChunks;

    /** @param benchNoop whether {@code operations} may name the queue benchmark's {@code noop} */
    MultipartUploadReader(StreamedFileWriter writer, MultipartLimits limits, boolean benchNoop) {
        this(writer, limits, benchNoop, UploadParts.FILE_CHUNK_BYTES, UploadParts.POOLED_CHUNKS);
    }

    /**
     * @param fileChunkBytes the most file bytes gathered before they are written (small in tests, to cut often)
     * @param fileChunks     allocates those chunks (in tests, one that counts them)
     */
    MultipartUploadReader(StreamedFileWriter writer, MultipartLimits limits, boolean benchNoop, int fileChunkBytes,
                          DataBufferFactory fileChunks) {
        this.writer = writer;
        this.limits = limits;
        this.benchNoop = benchNoop;
        this.fileChunkBytes = fileChunkBytes;
        this.fileChunks = fileChunks;
    }

    /**
     * The upload in this body, as a source for {@link UploadService#accept}.
     *
     * @param contentLength the request's Content-Length (negative when it has none), to size the file's chunks
     */
    UploadSource source(Flux<DataBuffer> body, MediaType contentType, long contentLength) {
        return tempFile -> Mono.defer(() -> read(body, boundary(contentType), contentLength, tempFile));
    }

    private Mono<ReceivedUpload> read(Flux<DataBuffer> body, String boundary, long contentLength, Path tempFile) {
        UploadParts parts = new UploadParts(boundary, limits, benchNoop, contentLength, fileChunkBytes, fileChunks);
        return writer.write(parts.fileBytes(body), tempFile, null, contentLength)
                .map(written -> new ReceivedUpload(parts.received(written), parts.options()));
    }

    /** The {@code boundary} parameter of a {@code multipart/form-data} Content-Type, unquoted. */
    static String boundary(MediaType contentType) {
        String boundary = contentType == null ? null : contentType.getParameter("boundary");
        if (boundary != null && boundary.length() > 2 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
            boundary = boundary.substring(1, boundary.length() - 1);
        }
        if (boundary == null || boundary.isEmpty()) {
            throw new DecodingException("the multipart/form-data Content-Type has no boundary");
        }
        return boundary;
    }
}
