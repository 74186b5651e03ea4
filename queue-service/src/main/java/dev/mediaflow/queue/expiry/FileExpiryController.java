package dev.mediaflow.queue.expiry;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The gateway's side of the file lifecycle (it owns the files and {@code MEDIAFLOW_FILE_TTL}). Under
 * {@code /internal/}, not {@code /api/}: these are no public routes, the gateway never forwards a client's call
 * here ({@link dev.mediaflow.http.QueueServiceRoutes} lists the public ones); like every route of this service
 * they need the gateway's signature, and expiring or confirming needs the admin role the gateway signs for its
 * cleanup.
 */
@RestController
@RequestMapping("/internal/files")
class FileExpiryController {

    static final int MAX_LIMIT = 1000;

    /** @param finalBefore jobs final before this may lose their files; @param limit items per call (default 100) */
    record ExpireRequest(Instant finalBefore, Integer limit) {
    }

    record ExpireResponse(List<MediaExpiry> items) {
    }

    record RemovedRequest(Set<UUID> mediaItemIds) {
    }

    record RemovedResponse(long confirmed) {
    }

    private final MediaExpirer expirer;
    private final Clock clock;

    FileExpiryController(MediaExpirer expirer, Clock clock) {
        this.expirer = expirer;
        this.clock = clock;
    }

    @PostMapping("/expire")
    Mono<ExpireResponse> expire(@RequestBody(required = false) Mono<ExpireRequest> body,
                                @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return requireAdmin(caller)
                .then(body.switchIfEmpty(Mono.error(() -> ApiException.badRequest("a JSON body is required"))))
                .flatMap(request -> {
                    if (request.finalBefore() == null) {
                        return Mono.error(ApiException.badRequest("finalBefore is required"));
                    }
                    if (request.finalBefore().isAfter(clock.instant())) {
                        return Mono.error(ApiException.badRequest("finalBefore must not be in the future"));
                    }
                    int limit = request.limit() == null ? 100 : request.limit();
                    if (limit < 1 || limit > MAX_LIMIT) {
                        return Mono.error(ApiException.badRequest("limit must be 1.." + MAX_LIMIT));
                    }
                    return expirer.expire(request.finalBefore(), limit);
                })
                .map(ExpireResponse::new);
    }

    @PostMapping("/removed")
    Mono<RemovedResponse> removed(@RequestBody(required = false) Mono<RemovedRequest> body,
                                  @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return requireAdmin(caller)
                .then(body.switchIfEmpty(Mono.error(() -> ApiException.badRequest("a JSON body is required"))))
                .flatMap(request -> request.mediaItemIds() == null
                        ? Mono.error(ApiException.badRequest("mediaItemIds is required"))
                        : expirer.filesRemoved(request.mediaItemIds()))
                .map(RemovedResponse::new);
    }

    /** Another owner's item is not found, as everywhere in the API. */
    @GetMapping("/{mediaItemId}")
    Mono<MediaExpiry> one(@PathVariable String mediaItemId, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> uuid(mediaItemId))
                .flatMap(expirer::find)
                .filter(found -> caller.canSee(found.owner()))
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no media item " + mediaItemId)));
    }

    private static Mono<Void> requireAdmin(Caller caller) {
        return caller.admin() ? Mono.empty() : Mono.error(ApiException.forbidden("only admin may expire files"));
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("mediaItemId must be a UUID: " + value);
        }
    }
}
