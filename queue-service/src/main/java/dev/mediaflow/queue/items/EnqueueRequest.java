package dev.mediaflow.queue.items;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.http.ApiException;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

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
        if (operations == null) {
            return List.of(Operation.values());
        }
        if (operations.isEmpty()) {
            throw ApiException.badRequest("operations must name at least one of thumbnail, blur, low-quality, depth");
        }
        Set<Operation> valid = EnumSet.noneOf(Operation.class);
        for (String name : operations) {
            try {
                valid.add(Operation.fromJson(name));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        return new ArrayList<>(valid);
    }
}
