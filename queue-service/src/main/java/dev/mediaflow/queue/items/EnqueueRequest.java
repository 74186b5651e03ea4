package dev.mediaflow.queue.items;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.http.ApiException;

import java.util.List;

/** Body of {@code POST /api/queue/enqueue/{mediaItemId}}; both fields optional. */
public record EnqueueRequest(Integer maxAttempts, List<String> operations) {

    static final EnqueueRequest DEFAULTS = new EnqueueRequest(null, null);
    static final int DEFAULT_MAX_ATTEMPTS = 3;
    static final int MAX_ATTEMPTS_LIMIT = 10;

    int validMaxAttempts() {
        if (maxAttempts == null) {
            return DEFAULT_MAX_ATTEMPTS;
        }
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw ApiException.badRequest("maxAttempts must be between 1 and " + MAX_ATTEMPTS_LIMIT);
        }
        return maxAttempts;
    }

    /** In the order of {@link Operation}, without duplicates; absent means all four. */
    List<Operation> validOperations() {
        return operations == null ? Operation.standard() : RequestFields.operations(operations);
    }
}
