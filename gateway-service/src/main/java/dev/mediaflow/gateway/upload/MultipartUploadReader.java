package dev.mediaflow.gateway.upload;

import dev.mediaflow.http.ApiException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.FormPartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a multipart upload as a stream of part events: the file part goes chunk by chunk to a
 * temporary file through the {@link StreamedFileWriter}; form fields are validated as they arrive.
 */
final class MultipartUploadReader {

    static final Set<String> FILE_FIELDS = Set.of("media", "file", "image");

    private final StreamedFileWriter writer;
    private final boolean benchNoop;

    /** @param benchNoop whether {@code operations} may name the queue benchmark's {@code noop} */
    MultipartUploadReader(StreamedFileWriter writer, boolean benchNoop) {
        this.writer = writer;
        this.benchNoop = benchNoop;
    }

    /** The upload in these part events, as a source for {@link UploadService#accept}. */
    UploadSource source(Flux<PartEvent> events) {
        return tempFile -> read(events, tempFile);
    }

    private Mono<ReceivedUpload> read(Flux<PartEvent> events, Path tempFile) {
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
                        return writer.write(all.map(PartEvent::content), tempFile, filePart.filename())
                                .doOnNext(file::set).then();
                    }
                    if (event instanceof FormPartEvent field) {
                        options.set(options.get().with(field.name(), field.value(), benchNoop));
                    }
                    return all.doOnNext(e -> DataBufferUtils.release(e.content())).then();
                }))
                .then(Mono.fromSupplier(() -> {
                    ReceivedFile received = file.get();
                    if (received == null) {
                        throw ApiException.badRequest("no file: send it as multipart/form-data field 'media'");
                    }
                    return new ReceivedUpload(received, options.get());
                }));
    }
}
