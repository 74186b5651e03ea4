package dev.mediaflow.queue.sse;

import dev.mediaflow.queue.status.StatusChange;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.UUID;

/** docs/api.md: {@code GET /api/queue/items/{queueId}/events}. */
@RestController
public class JobEventsController {

    private final JobEventStream stream;

    public JobEventsController(JobEventStream stream) {
        this.stream = stream;
    }

    /** Errors come before the first frame, while the response can still become a JSON error. */
    @GetMapping(path = "/api/queue/items/{queueId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<StatusChange>> events(@PathVariable String queueId,
                                                      @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> uuid(queueId))
                .flatMap(id -> stream.open(id, caller))
                .flatMapMany(frames -> frames);
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("queueId must be a UUID: " + value);
        }
    }
}
