package dev.mediaflow.gateway.files;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.proxy.QueueServiceClient;
import dev.mediaflow.gateway.proxy.UpstreamResponse;
import dev.mediaflow.http.CallerRole;
import dev.mediaflow.messages.Json;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * queue-service's side of the file lifecycle ({@code /internal/files/**} there, which the gateway never forwards for a
 * client): it decides, under its locks, which media items expire, and remembers which have their files removed.
 * The cleanup calls as the gateway itself, with the admin role; a file lookup calls as the client, so another
 * owner's item stays unknown.
 */
@Component
public class ExpiryRecord {

    /** Who the cleanup calls queue-service as: the gateway itself, on no client's behalf. */
    static final Caller GATEWAY = new Caller("gateway", CallerRole.ADMIN);

    /** One item to remove: its owner and id name its places in storage (docs/api.md, "Where files land"). */
    record ExpiredItem(UUID mediaItemId, String owner, Instant expiredAt) {
    }

    record ExpireAnswer(List<ExpiredItem> items) {
    }

    record RemovedAnswer(long confirmed) {
    }

    private final QueueServiceClient queueService;

    ExpiryRecord(QueueServiceClient queueService) {
        this.queueService = queueService;
    }

    /** Expires what may expire and lists up to {@code limit} expired items whose files are still to go. */
    Mono<List<ExpiredItem>> expire(Instant finalBefore, int limit) {
        return call(HttpMethod.POST, "/internal/files/expire", Map.of("finalBefore", finalBefore.toString(), "limit", limit),
                GATEWAY)
                .flatMap(response -> read(response, ExpireAnswer.class))
                .map(answer -> answer.items() == null ? List.<ExpiredItem>of() : answer.items());
    }

    /** These items' files are gone: they are not offered again. */
    Mono<Long> removed(Collection<UUID> mediaItemIds) {
        if (mediaItemIds.isEmpty()) {
            return Mono.just(0L);
        }
        return call(HttpMethod.POST, "/internal/files/removed", Map.of("mediaItemIds", mediaItemIds), GATEWAY)
                .flatMap(response -> read(response, RemovedAnswer.class))
                .map(RemovedAnswer::confirmed);
    }

    /** When the item's files were removed, if they were; empty also when {@code caller} may not see it. */
    public Mono<Optional<Instant>> expiredAt(Caller caller, UUID mediaItemId) {
        return call(HttpMethod.GET, "/internal/files/" + mediaItemId, null, caller)
                .flatMap(response -> response.status().value() == HttpStatus.NOT_FOUND.value()
                        ? response.discardBody().thenReturn(Optional.<Instant>empty())
                        : read(response, ExpiredItem.class).map(item -> Optional.ofNullable(item.expiredAt())));
    }

    private Mono<UpstreamResponse> call(HttpMethod method, String path, Object body, Caller caller) {
        HttpHeaders headers = new HttpHeaders();
        Flux<org.springframework.core.io.buffer.DataBuffer> content = Flux.empty();
        if (body != null) {
            byte[] bytes = Json.write(body);
            headers.setContentType(MediaType.APPLICATION_JSON);
            headers.setContentLength(bytes.length);
            content = Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes));
        }
        return queueService.forward(method, URI.create(path), headers, content, caller);
    }

    private static <T> Mono<T> read(UpstreamResponse response, Class<T> type) {
        return response.bodyBytes().map(bytes -> {
            if (!response.status().is2xxSuccessful()) {
                throw new IllegalStateException("queue-service answered " + response.status().value() + ": "
                        + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            }
            return Json.read(bytes, type);
        });
    }
}
