package dev.mediaflow.gateway.media;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.publish.JobDispatcher;
import dev.mediaflow.gateway.publish.SubmissionSpool;
import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.storage.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code DELETE /api/media/{id}} of an item that only this gateway knows: its upload was answered 202 "pending"
 * while the broker was away, so its job still waits in the spool and queue-service has never heard of it. Without
 * this the DELETE answered 404, and the item appeared anyway once the broker was back. The job is taken out of the
 * spool for good (never published), then the upload and the output folder go.
 */
@Component
class PendingItemDeletion {

    private static final Logger log = LoggerFactory.getLogger(PendingItemDeletion.class);

    private final SubmissionSpool spool;
    private final JobDispatcher dispatcher;
    private final StorageRoot storage;

    PendingItemDeletion(SubmissionSpool spool, JobDispatcher dispatcher, StorageRoot storage) {
        this.spool = spool;
        this.dispatcher = dispatcher;
        this.storage = storage;
    }

    /**
     * @return whether the item was pending here (and is now deleted); false when the spool holds no job of it that
     *         the caller may see
     * @throws ApiException 503 {@code not_recorded_yet} when its job was published while this ran (queue-service
     *                      takes it over: the DELETE again finds it there)
     */
    Mono<Boolean> delete(UUID mediaItemId, Caller caller) {
        return Mono.fromCallable(() -> {
            List<JobSubmission> jobs = spool.jobIds().stream()
                    .map(spool::find)
                    .flatMap(Optional::stream)
                    .filter(job -> job.mediaItemId().equals(mediaItemId) && caller.mayRead(job.owner()))
                    .toList();
            if (jobs.isEmpty()) {
                return false;
            }
            for (JobSubmission job : jobs) {
                if (!dispatcher.withdrawPending(job.jobId())) {
                    throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE.value(), "not_recorded_yet",
                            "media item " + mediaItemId + " was just handed to the queue; try the DELETE again");
                }
            }
            JobSubmission job = jobs.get(0);
            removeFiles(job);
            log.info("Media item {} of {} deleted by {} while its job waited in the spool", mediaItemId, job.owner(),
                    caller.owner());
            return true;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private void removeFiles(JobSubmission job) {
        try {
            Files.deleteIfExists(storage.resolve(job.inputPath()));
            DurableFiles.deleteTree(storage.resolve(job.outputDir()));
        } catch (IOException e) {
            log.error("Cannot remove the files of media item {}: {}", job.mediaItemId(), e.toString());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE.value(), "storage_unavailable",
                    "the media item's files could not be removed; try the DELETE again");
        }
    }
}
