package dev.mediaflow.gateway.files;

import dev.mediaflow.gateway.files.CleanupMeters.Trigger;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code POST /api/v1/vision/files/cleanup} (admin; the security configuration answers anyone else 403): the file
 * cleanup now, as the schedule runs it. The counts are what this run removed.
 */
@RestController
class FileCleanupController {

    /** {@code message} says what was done, or that no TTL is set. */
    record CleanupAnswer(boolean success, long removedFiles, long freedBytes, String message) {
    }

    private final FileCleanup cleanup;

    FileCleanupController(FileCleanup cleanup) {
        this.cleanup = cleanup;
    }

    @PostMapping("/api/v1/vision/files/cleanup")
    Mono<CleanupAnswer> cleanup() {
        return Mono.fromCallable(() -> cleanup.run(Trigger.API))
                .subscribeOn(Schedulers.boundedElastic())
                .map(result -> new CleanupAnswer(true, result.removedFiles(), result.freedBytes(),
                        cleanup.ttl().isPresent()
                                ? "removed the files of " + result.removedItems() + " media item(s) whose jobs ended "
                                + "more than " + cleanup.ttlText() + " ago"
                                : "MEDIAFLOW_FILE_TTL is not set: files are kept forever"));
    }
}
