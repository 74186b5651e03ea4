package dev.mediaflow.gateway.media;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.http.ApiException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.UUID;

/** {@code DELETE /api/media/{mediaItemId}}: the media item, its files and its jobs go ({@link MediaItemDeletion}). */
@RestController
public class MediaController {

    private final MediaItemDeletion deletion;

    public MediaController(MediaItemDeletion deletion) {
        this.deletion = deletion;
    }

    @DeleteMapping("/api/media/{mediaItemId}")
    public Mono<Map<String, Boolean>> delete(@AuthenticationPrincipal Caller caller, @PathVariable String mediaItemId) {
        return Mono.fromSupplier(() -> id(mediaItemId))
                .flatMap(id -> deletion.delete(id, caller))
                .thenReturn(Map.of("success", true));
    }

    private static UUID id(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'" + value + "' is not a media item id (a UUID)");
        }
    }
}
