package dev.mediaflow.gateway.media;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.proxy.QueueServiceCalls;
import dev.mediaflow.gateway.publish.PublishedJobs;
import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.http.ErrorBody;
import dev.mediaflow.messages.InternalMediaApi;
import dev.mediaflow.storage.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;

/**
 * {@code DELETE /api/media/{id}} (owner or admin), in the order that leaves nothing behind: queue-service stops
 * the item (no new job; its unfinished jobs cancelled, which workers see at their next step), the gateway waits
 * until no worker holds one of its tasks (at most {@code MEDIAFLOW_DELETE_WAIT}), removes the upload and the
 * output folder, then queue-service removes the rows and the Redis keys. Only then does the gateway forget its
 * own records of the item's jobs, so every route answers 404 afterwards.
 *
 * <p>An item queue-service does not know may still wait in this gateway's spool (accepted as pending while the
 * broker was away): {@link PendingItemDeletion} deletes it there.
 *
 * <p>The gateway does the files because it alone of the two has the storage. A deletion cut short (a crash,
 * the storage failing) leaves the item stopped but listed; the same DELETE again takes it up where it stopped.
 * An output folder holds only this item's files or hard links to another's (a duplicate upload), so removing it
 * never touches another media item's results.
 */
@Service
public class MediaItemDeletion {

    private static final Logger log = LoggerFactory.getLogger(MediaItemDeletion.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final QueueServiceCalls queueService;
    private final StorageRoot storage;
    private final PublishedJobs published;
    private final PendingItemDeletion pending;
    private final Duration waitForWorkers;

    public MediaItemDeletion(QueueServiceCalls queueService, StorageRoot storage, PublishedJobs published,
                             PendingItemDeletion pending, GatewayProperties properties) {
        this.queueService = queueService;
        this.storage = storage;
        this.published = published;
        this.pending = pending;
        this.waitForWorkers = properties.deleteWait();
    }

    public Mono<Void> delete(UUID mediaItemId, Caller caller) {
        return queueService.call(HttpMethod.POST, InternalMediaApi.deletion(mediaItemId), caller)
                .map(answer -> successful(answer).read(InternalMediaApi.DeletionStarted.class))
                // queue-service decided; the gateway still never removes files outside the caller's own folders
                .filter(started -> started.owner() != null && caller.mayRead(started.owner()))
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no media item " + mediaItemId)))
                .flatMap(started -> workersLetGo(mediaItemId, caller)
                        .then(Mono.fromRunnable(() -> removeFiles(started)).subscribeOn(Schedulers.boundedElastic()))
                        .then(queueService.call(HttpMethod.DELETE, InternalMediaApi.mediaItem(mediaItemId), caller))
                        .map(MediaItemDeletion::successful)
                        .then(Mono.fromRunnable(() -> started.jobIds().forEach(published::forget))
                                .subscribeOn(Schedulers.boundedElastic()))
                        .doOnSuccess(done -> log.info("Media item {} of {} deleted by {} with its {} job(s) and files",
                                mediaItemId, started.owner(), caller.owner(), started.jobIds().size())))
                .then()
                // queue-service does not know it: it may be an item whose job still waits here for the broker
                .onErrorResume(MediaItemDeletion::isNotFound, notFound -> pending.delete(mediaItemId, caller)
                        .flatMap(deleted -> deleted ? Mono.<Void>empty() : Mono.error(notFound)));
    }

    private static boolean isNotFound(Throwable e) {
        return e instanceof ApiException api && api.status() == HttpStatus.NOT_FOUND.value();
    }

    /** Until no task of the item is held by a worker, or the wait is over (a dead worker never lets go). */
    private Mono<Void> workersLetGo(UUID mediaItemId, Caller caller) {
        return Flux.interval(Duration.ZERO, POLL)
                .onBackpressureDrop()
                .concatMap(tick -> queueService.call(HttpMethod.GET, InternalMediaApi.deletion(mediaItemId), caller)
                        .map(answer -> successful(answer).read(InternalMediaApi.Running.class).tasks()), 1)
                .filter(running -> running == 0)
                .next()
                .timeout(waitForWorkers, Mono.fromRunnable(() -> log.warn("Media item {}: a worker still holds one "
                        + "of its cancelled tasks after {}; removing its files anyway", mediaItemId, waitForWorkers)))
                .then();
    }

    private void removeFiles(InternalMediaApi.DeletionStarted started) {
        try {
            Files.deleteIfExists(storage.resolve(started.inputPath()));
            DurableFiles.deleteTree(storage.resolve(started.outputDir()));
        } catch (IOException e) {
            log.error("Cannot remove the files of media item {}: {}", started.mediaItemId(), e.toString());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE.value(), "storage_unavailable",
                    "the media item's files could not be removed; it is stopped, try the DELETE again");
        }
    }

    /** queue-service's refusal (404 for an item the caller may not see, ...) is the client's answer as it is. */
    private static QueueServiceCalls.Answer successful(QueueServiceCalls.Answer answer) {
        if (!answer.isSuccess()) {
            ErrorBody error = answer.error();
            throw new ApiException(answer.status(), error.error(), error.message());
        }
        return answer;
    }
}
