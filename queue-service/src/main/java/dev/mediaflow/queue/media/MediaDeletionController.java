package dev.mediaflow.queue.media;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.InternalMediaApi;
import dev.mediaflow.queue.web.Caller;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.UUID;

/** The internal steps of {@code DELETE /api/media/{id}} that the gateway calls ({@link InternalMediaApi}). */
@RestController
public class MediaDeletionController {

    private final MediaDeletion deletion;

    public MediaDeletionController(MediaDeletion deletion) {
        this.deletion = deletion;
    }

    @PostMapping("/internal/media/{mediaItemId}/deletion")
    public Mono<InternalMediaApi.DeletionStarted> start(@PathVariable String mediaItemId,
                                                        @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> id(mediaItemId)).flatMap(id -> deletion.start(id, caller));
    }

    @GetMapping("/internal/media/{mediaItemId}/deletion")
    public Mono<InternalMediaApi.Running> running(@PathVariable String mediaItemId,
                                                  @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> id(mediaItemId)).flatMap(id -> deletion.running(id, caller));
    }

    @DeleteMapping("/internal/media/{mediaItemId}")
    public Mono<Map<String, Boolean>> finish(@PathVariable String mediaItemId,
                                             @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> id(mediaItemId)).flatMap(id -> deletion.finish(id, caller))
                .thenReturn(Map.of("success", true));
    }

    private static UUID id(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("mediaItemId must be a UUID: " + value);
        }
    }
}
