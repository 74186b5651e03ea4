package dev.mediaflow.gateway.files;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.proxy.QueueServiceCalls;
import dev.mediaflow.gateway.proxy.QueueServiceCalls.Answer;
import dev.mediaflow.http.CallerRole;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
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

    private final QueueServiceCalls queueService;

    ExpiryRecord(QueueServiceCalls queueService) {
        this.queueService = queueService;
    }

    /** Expires what may expire and lists up to {@code limit} expired items whose files are still to go. */
    Mono<List<ExpiredItem>> expire(Instant finalBefore, int limit) {
        return queueService.call(HttpMethod.POST, "/internal/files/expire",
                        Map.of("finalBefore", finalBefore.toString(), "limit", limit), GATEWAY)
                .map(answer -> read(answer, ExpireAnswer.class))
                .map(answer -> answer.items() == null ? List.<ExpiredItem>of() : answer.items());
    }

    /** These items' files are gone: they are not offered again. */
    Mono<Long> removed(Collection<UUID> mediaItemIds) {
        if (mediaItemIds.isEmpty()) {
            return Mono.just(0L);
        }
        return queueService.call(HttpMethod.POST, "/internal/files/removed", Map.of("mediaItemIds", mediaItemIds), GATEWAY)
                .map(answer -> read(answer, RemovedAnswer.class).confirmed());
    }

    /** When the item's files were removed, if they were; empty also when {@code caller} may not see it. */
    public Mono<Optional<Instant>> expiredAt(Caller caller, UUID mediaItemId) {
        return queueService.call(HttpMethod.GET, "/internal/files/" + mediaItemId, caller)
                .map(answer -> answer.status() == HttpStatus.NOT_FOUND.value()
                        ? Optional.<Instant>empty()
                        : Optional.ofNullable(read(answer, ExpiredItem.class).expiredAt()));
    }

    private static <T> T read(Answer answer, Class<T> type) {
        if (!answer.isSuccess()) {
            throw new IllegalStateException("queue-service answered " + answer.status() + ": "
                    + new String(answer.body(), StandardCharsets.UTF_8));
        }
        return answer.read(type);
    }
}
