package dev.mediaflow.queue.items;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.UUID;

/** docs/api.md: enqueue again (one item, or whole batches), redo some operations, and cancel / retry by project. */
@RestController
@RequestMapping("/api/queue")
public class QueueCommandController {

    private final JobEnqueuer enqueuer;
    private final BulkJobActions bulk;
    private final JobRedoer redoer;
    private final BatchEnqueuer batches;

    public QueueCommandController(JobEnqueuer enqueuer, BulkJobActions bulk, JobRedoer redoer,
                                  BatchEnqueuer batches) {
        this.enqueuer = enqueuer;
        this.bulk = bulk;
        this.redoer = redoer;
        this.batches = batches;
    }

    @PostMapping("/enqueue/{mediaItemId}")
    public Mono<ResponseEntity<EnqueueResponse>> enqueue(@PathVariable String mediaItemId,
                                                         @RequestBody(required = false) Mono<EnqueueRequest> body,
                                                         @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> mediaItemId(mediaItemId))
                .flatMap(id -> body.defaultIfEmpty(EnqueueRequest.DEFAULTS)
                        .flatMap(request -> enqueuer.enqueue(id, request, caller)))
                .map(job -> ResponseEntity.accepted()
                        .location(URI.create("/api/queue/items/" + job.id()))
                        .body(new EnqueueResponse(true, job.id(), job.mediaItemId())));
    }

    @PostMapping("/redo")
    public Mono<ResponseEntity<RedoResponse>> redo(@RequestBody Mono<RedoRequest> body,
                                                   @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return body.switchIfEmpty(Mono.error(() -> ApiException.badRequest("a JSON body is required")))
                .flatMap(request -> redoer.redo(request, caller))
                .map(job -> ResponseEntity.accepted()
                        .location(URI.create("/api/queue/items/" + job.id()))
                        .body(new RedoResponse(true, job.id())));
    }

    @PostMapping("/enqueue")
    public Mono<ResponseEntity<BatchEnqueueResponse>> enqueueBatches(@RequestBody Mono<BatchEnqueueRequest> body,
                                                                     @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return body.switchIfEmpty(Mono.error(() -> ApiException.badRequest("a JSON body is required")))
                .flatMap(request -> batches.enqueue(request, caller))
                .map(response -> ResponseEntity.accepted().body(response));
    }

    @PostMapping("/cancel")
    public Mono<BulkCancelResponse> cancel(@RequestBody Mono<BulkCancelRequest> body,
                                           @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return body.flatMap(request -> bulk.cancel(request, caller))
                .map(count -> new BulkCancelResponse(true, count));
    }

    @PostMapping("/retry")
    public Mono<BulkRetryResponse> retry(@RequestBody Mono<BulkRetryRequest> body,
                                         @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return body.flatMap(request -> bulk.retry(request, caller))
                .map(count -> new BulkRetryResponse(true, count));
    }

    private static UUID mediaItemId(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("mediaItemId must be a UUID: " + value);
        }
    }
}
