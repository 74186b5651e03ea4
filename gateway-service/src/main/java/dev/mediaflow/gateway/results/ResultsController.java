package dev.mediaflow.gateway.results;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.files.ExpiryRecord;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.Operation;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * Serves an item's variants and its original, streamed from disk, with a strong ETag; 410 {@code expired} once the
 * file TTL removed them.
 */
@RestController
public class ResultsController {

    private static final CacheControl CACHE = CacheControl.maxAge(Duration.ofHours(1)).cachePrivate();

    private final StoredFileLocator locator;
    private final ExpiryRecord expiry;

    public ResultsController(StoredFileLocator locator, ExpiryRecord expiry) {
        this.locator = locator;
        this.expiry = expiry;
    }

    @GetMapping("/api/media/{mediaItemId}/variants/{name}")
    public Mono<ResponseEntity<Resource>> variant(@AuthenticationPrincipal Caller caller,
                                                  @PathVariable String mediaItemId, @PathVariable String name,
                                                  ServerHttpRequest request) {
        UUID id = parseId(mediaItemId);
        Operation variant = parseVariant(name);
        return serve(() -> locator.variant(caller, id, variant), request,
                "variant '" + name + "' of media item " + id + " does not exist (yet)")
                .onErrorResume(ResultsController::isNotFound, e -> expiredOrNot(caller, id, e));
    }

    @GetMapping("/api/media/{mediaItemId}/original")
    public Mono<ResponseEntity<Resource>> original(@AuthenticationPrincipal Caller caller,
                                                   @PathVariable String mediaItemId, ServerHttpRequest request) {
        UUID id = parseId(mediaItemId);
        return serve(() -> locator.original(caller, id), request, "media item " + id + " does not exist")
                .onErrorResume(ResultsController::isNotFound, e -> expiredOrNot(caller, id, e));
    }

    /**
     * A file that is not on disk: 410 {@code expired} when queue-service's record says the item's files were
     * removed after the TTL (for a caller who may see it), else the 404. Without an answer from queue-service
     * it stays the 404.
     */
    private Mono<ResponseEntity<Resource>> expiredOrNot(Caller caller, UUID id, Throwable notFound) {
        return expiry.expiredAt(caller, id)
                .onErrorReturn(Optional.empty())
                .flatMap(expiredAt -> Mono.error(expiredAt
                        .<Throwable>map(at -> ApiException.expired("the files of media item " + id + " were removed at "
                                + at + ", after the file TTL"))
                        .orElse(notFound)));
    }

    private static boolean isNotFound(Throwable e) {
        return e instanceof ApiException api && api.status() == HttpStatus.NOT_FOUND.value();
    }

    private Mono<ResponseEntity<Resource>> serve(java.util.function.Supplier<Optional<StoredFileLocator.Found>> find,
                                                 ServerHttpRequest request, String notFound) {
        return Mono.fromCallable(() -> {
            StoredFileLocator.Found found = find.get().orElseThrow(() -> ApiException.notFound(notFound));
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(found.path(), BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                throw ApiException.notFound(notFound);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String etag = "\"" + Long.toHexString(attributes.size()) + "-"
                    + Long.toHexString(attributes.lastModifiedTime().toMillis()) + "\"";
            if (matches(request.getHeaders().getFirst(HttpHeaders.IF_NONE_MATCH), etag)) {
                return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).cacheControl(CACHE)
                        .<Resource>build();
            }
            return ResponseEntity.ok()
                    .eTag(etag)
                    .cacheControl(CACHE)
                    .lastModified(attributes.lastModifiedTime().toInstant())
                    .contentType(MediaType.parseMediaType(found.contentType()))
                    .<Resource>body(new FileSystemResource(found.path()));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        return Arrays.stream(ifNoneMatch.split(","))
                .map(String::trim)
                .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
                .anyMatch(tag -> tag.equals("*") || tag.equals(etag));
    }

    private static UUID parseId(String value) {
        try {
            UUID id = UUID.fromString(value);
            if (!id.toString().equalsIgnoreCase(value)) {
                throw new IllegalArgumentException(value);
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'" + value + "' is not a media item id (a UUID)");
        }
    }

    private static Operation parseVariant(String name) {
        try {
            return Operation.fromRequest(name, false);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("unknown variant '" + name
                    + "' (expected thumbnail, blur, low-quality or depth)");
        }
    }
}
