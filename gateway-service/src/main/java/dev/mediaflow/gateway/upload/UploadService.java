package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.dedup.EarlierResults;
import dev.mediaflow.gateway.limits.UploadBodyLimit;
import dev.mediaflow.gateway.publish.DispatchStatus;
import dev.mediaflow.gateway.publish.JobDispatcher;
import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.InternalMediaApi;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.PriorityRule;
import dev.mediaflow.messages.StorageLayout;
import dev.mediaflow.observability.LogContext;
import dev.mediaflow.storage.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.webflux.autoconfigure.ReactiveMultipartProperties;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Takes an upload from the wire to a queued (or spooled) job: stream to a temp file, check what it
 * is from its bytes, reuse the results of an earlier upload of the same file ({@link EarlierResults}) unless
 * {@code force=true}, spool the job, move the file to {@code uploads/<owner>/<id>.<ext>}, publish the job.
 * Whatever refuses the upload on the way leaves no byte of it on disk.
 */
@Service
public class UploadService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    /** Room for the multipart framing and form fields around the file in a Content-Length. */
    public static final long MULTIPART_OVERHEAD = 64 * 1024;

    private final GatewayProperties properties;
    private final StorageRoot storage;
    private final MediaSniffer sniffer;
    private final ImageHeaderReader headers;
    private final JobDispatcher dispatcher;
    private final StreamedFileWriter writer;
    private final MultipartUploadReader multipart;
    private final EarlierResults earlierResults;
    private final Scheduler storeThreads;
    /** A large upload's direct writes ({@link DirectWrites}), which its thread in {@link #storeThreads} waits for. */
    private final Scheduler diskThreads;

    public UploadService(GatewayProperties properties, StorageRoot storage, MediaSniffer sniffer,
                         ImageHeaderReader headers, JobDispatcher dispatcher, EarlierResults earlierResults,
                         ReactiveMultipartProperties multipartProperties) {
        this.properties = properties;
        this.earlierResults = earlierResults;
        this.storage = storage;
        this.sniffer = sniffer;
        this.headers = headers;
        this.dispatcher = dispatcher;
        // its own pool rather than the shared boundedElastic (10 threads per core): the blocking step mostly waits
        // (fsyncs, the broker's confirm), and 64 connections then queued for 20 threads on 2 cores
        this.storeThreads = Schedulers.newBoundedElastic(properties.uploadStoreThreads(),
                Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "upload-store");
        this.diskThreads = Schedulers.newBoundedElastic(properties.uploadStoreThreads(),
                Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "upload-disk");
        this.writer = new StreamedFileWriter(properties.maxUploadBytes(),
                DirectWrites.in(storage.tmp(), properties.directWriteMinBytes(), storeThreads, diskThreads));
        this.multipart = new MultipartUploadReader(writer, MultipartLimits.from(multipartProperties),
                properties.benchNoop());
    }

    @Override
    public void destroy() {
        storeThreads.dispose();
        diskThreads.dispose();
    }

    /**
     * A client's multipart upload: refused at once when its Content-Length says it is too large, else
     * {@link #accept(Caller, UploadSource, String, Consumer)} with its body.
     */
    public Mono<UploadResponse> accept(Caller caller, Flux<DataBuffer> body,
                                       org.springframework.http.MediaType contentType, long contentLength,
                                       String correlationId, Consumer<MediaType> detected) {
        if (contentLength > properties.maxUploadBytes() + MULTIPART_OVERHEAD) {
            return Mono.error(UploadBodyLimit.payloadTooLarge(properties.maxUploadBytes()));
        }
        return accept(caller, multipart.source(body, contentType, contentLength), correlationId, detected);
    }

    /**
     * Any upload, whatever brought its bytes: into a temp file, checked, moved into place and dispatched.
     *
     * @param correlationId the request's {@link dev.mediaflow.messages.CorrelationId}, recorded with the job
     * @param detected      told what the bytes are (photo or video) as soon as that is known, also when refused later
     */
    public Mono<UploadResponse> accept(Caller caller, UploadSource source, String correlationId,
                                       Consumer<MediaType> detected) {
        return Mono.usingWhen(
                Mono.fromSupplier(storage::newTempUploadFile),
                temp -> source.receiveInto(temp)
                        .publishOn(storeThreads)
                        .map(received -> storeAndDispatch(caller, received, correlationId, detected)),
                UploadService::deleteQuietly,
                (temp, error) -> deleteQuietly(temp),
                UploadService::deleteQuietly);
    }

    /**
     * Blocking, on the upload's own threads ({@code MEDIAFLOW_UPLOAD_STORE_THREADS}): file inspection, the dedup
     * lookup, the move with its fsyncs, and the broker's confirms. The job's log
     * lines carry its id and the request's correlation id as MDC fields, from here to the publish.
     */
    private UploadResponse storeAndDispatch(Caller caller, ReceivedUpload upload, String correlationId,
                                            Consumer<MediaType> detected) {
        ReceivedFile file = upload.file();
        if (file.size() == 0) {
            throw ApiException.badRequest("the uploaded file is empty");
        }
        StoredFormat format = detect(file.tempFile());
        detected.accept(format.mediaType());
        refuseTooManyPixels(file.tempFile(), format);
        UUID mediaItemId = UUID.randomUUID();
        UUID jobId = UUID.randomUUID();
        try (LogContext scope = LogContext.job(jobId, correlationId)) {
            return dispatchJob(caller, file, format, mediaItemId, jobId, upload.options(), correlationId);
        }
    }

    private UploadResponse dispatchJob(Caller caller, ReceivedFile file, StoredFormat format, UUID mediaItemId,
                                       UUID jobId, UploadOptions options, String correlationId) {
        String inputPath = StorageLayout.uploadPath(caller.owner(), mediaItemId, format.extension());
        String outputDir = StorageLayout.outputDir(caller.owner(), mediaItemId);
        Path stored = storage.resolve(inputPath);

        int priority = options.priority() != null ? options.priority()
                : PriorityRule.priority(format.mediaType(), file.size(), properties.maxUploadBytes());
        String filename = displayName(file.clientFilename(), format);
        JobSubmission submission = new JobSubmission(jobId, mediaItemId, caller.owner(), filename,
                format.mediaType(), file.size(), file.sha256(), inputPath, outputDir, options.operations(), priority,
                options.maxAttempts(), options.projectId(), options.batchId(), 1, Instant.now(), correlationId);
        Optional<InternalMediaApi.Duplicate> earlier = options.force() ? Optional.empty()
                : earlierResults.reuse(caller, file.sha256(), options.operations(), outputDir);
        if (earlier.isPresent()) {
            submission = submission.asDuplicateOf(earlier.get().mediaItemId(), earlier.get().results());
        }

        DispatchStatus status;
        try {
            status = dispatcher.dispatch(submission, () -> moveIntoPlace(file.tempFile(), stored));
        } catch (IOException | RuntimeException e) {
            if (earlier.isPresent()) {
                earlierResults.remove(outputDir);
            }
            if (e instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            deleteQuietly(stored).block();
            log.error("Cannot spool job {} for {}: {}", jobId, caller.owner(), e.toString());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE.value(), "storage_unavailable",
                    "the upload could not be recorded durably; try again later");
        }
        UUID duplicateOf = earlier.map(InternalMediaApi.Duplicate::mediaItemId).orElse(null);
        log.info("Accepted {} {} ({} bytes, {}) from {} as media item {}, job {}: {}{}", format.mediaType().json(),
                filename, file.size(), format.extension(), caller.owner(), mediaItemId, jobId, status.json(),
                duplicateOf == null ? "" : ", a duplicate of media item " + duplicateOf + " reusing its results");
        if (duplicateOf != null) {
            return new UploadResponse(true, "upload accepted; the same file was processed before, its results are "
                    + "reused", mediaItemId, jobId, filename, file.size(), format.mediaType(), priority, file.sha256(),
                    options.operations(), status, duplicateOf);
        }
        String message = status == DispatchStatus.QUEUED ? "upload accepted and queued for processing"
                : "upload accepted; it will be queued as soon as the message broker is reachable";
        return new UploadResponse(true, message, mediaItemId, jobId, filename, file.size(), format.mediaType(),
                priority, file.sha256(), options.operations(), status, null);
    }

    /** What every {@link UploadSource} writes its bytes through, so all meet the same size limit. */
    public StreamedFileWriter writer() {
        return writer;
    }

    private StoredFormat detect(Path file) {
        try {
            return sniffer.detect(file).orElseThrow(() -> new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE.value(),
                    "unsupported_media_type", "the file is not a supported photo (JPEG, PNG, WebP, GIF, BMP, "
                    + "TIFF, HEIC/HEIF, AVIF) or video (MP4, MOV, WebM, MKV, AVI)"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded file", e);
        }
    }

    /**
     * Photos and videos alike: a header that cannot be read is refused like one over the limit, since a decoder
     * would allocate whatever the unread header says. Animations count every frame.
     */
    private void refuseTooManyPixels(Path file, StoredFormat format) {
        ImageHeaderReader.Dimensions size = headers.read(file, format).orElseThrow(() -> new ApiException(
                HttpStatus.UNPROCESSABLE_CONTENT.value(), "unreadable_header", "the " + format.mediaType().json()
                + "'s dimensions cannot be read from its " + format.name() + " header"));
        if (size.pixels() > properties.maxPixels()) {
            String frames = size.frames() > 1 ? " x " + size.frames() + " frames" : "";
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT.value(), "too_many_pixels",
                    "the " + format.mediaType().json() + " is " + size.width() + "x" + size.height() + " pixels"
                            + frames + ", more than the limit of " + properties.maxPixels());
        }
    }

    /**
     * Durable before the 202: the bytes are synced, renamed into place, and the rename synced too; never over an
     * existing upload (a media item id is new).
     */
    private static void moveIntoPlace(Path temp, Path target) {
        try {
            DurableFiles.moveIntoPlace(temp, target, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the upload", e);
        }
    }

    /** Display only: the last path segment of what the client sent, without control characters. */
    static String displayName(String clientFilename, StoredFormat format) {
        String name = clientFilename == null ? "" : clientFilename;
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        name = name.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        if (name.isEmpty()) {
            return "upload." + format.extension();
        }
        return name.length() > 255 ? name.substring(0, 255) : name;
    }

    private static Mono<Void> deleteQuietly(Path file) {
        return Mono.fromRunnable(() -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("Cannot delete {}: {}", file, e.toString());
            }
        });
    }
}
