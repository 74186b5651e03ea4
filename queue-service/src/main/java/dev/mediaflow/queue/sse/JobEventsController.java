package dev.mediaflow.queue.sse;

import dev.mediaflow.queue.status.StatusChange;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.UUID;

/** docs/api.md: {@code GET /api/queue/items/{queueId}/events}. */
@RestController
public class JobEventsController {

    static final String LAST_EVENT_ID = "Last-Event-ID";

    private final JobEventStream stream;

    public JobEventsController(JobEventStream stream) {
        this.stream = stream;
    }

    /**
     * Errors come before the first frame, while the response can still become a JSON error. A reconnecting
     * client's {@code Last-Event-ID} is the id of an event this stream sent (a job version, a number); anything
     * else is a 400.
     */
    @GetMapping(path = "/api/queue/items/{queueId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<StatusChange>> events(@PathVariable String queueId,
                                                      @RequestHeader(name = LAST_EVENT_ID, required = false) String lastEventId,
                                                      @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> uuid(queueId))
                .flatMap(id -> stream.open(id, caller, eventId(lastEventId)))
                .flatMapMany(frames -> frames);
    }

    private static Long eventId(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long id = Long.parseLong(value.trim());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(LAST_EVENT_ID + " must be the id of an event of this stream (a number): " + value);
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("queueId must be a UUID: " + value);
        }
    }
}
