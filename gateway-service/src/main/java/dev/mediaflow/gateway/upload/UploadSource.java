package dev.mediaflow.gateway.upload;

import reactor.core.publisher.Mono;

import java.nio.file.Path;

/**
 * Where an upload's bytes come from: a client's multipart body ({@link MultipartUploadReader}) or a file fetched
 * from another server (the Immich import). {@link UploadService} gives it a fresh temporary file to fill; from
 * there on every upload meets the same checks, the same storage and the same job, whatever brought it.
 */
@FunctionalInterface
public interface UploadSource {

    /**
     * Writes the file into {@code tempFile} (which does not exist yet) through a {@link StreamedFileWriter}, and
     * says what came with it. Fails with an {@link dev.mediaflow.http.ApiException} for a refusal; the caller
     * removes the temporary file however this ends.
     */
    Mono<ReceivedUpload> receiveInto(Path tempFile);
}
