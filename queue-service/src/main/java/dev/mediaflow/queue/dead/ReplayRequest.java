package dev.mediaflow.queue.dead;

import dev.mediaflow.queue.web.ApiException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/** {@code POST /api/queue/dead/replay}: either {@code {"queueIds":[...]}} or {@code {"all":true}}. */
public record ReplayRequest(List<String> queueIds, Boolean all) {

    public boolean everything() {
        boolean everything = Boolean.TRUE.equals(all);
        boolean some = queueIds != null;
        if (everything == some) {
            throw ApiException.badRequest("give either queueIds (a non-empty list) or all: true");
        }
        return everything;
    }

    /** The distinct queue ids, in the given order; 400 for an empty list or one that is not a UUID. */
    public Set<UUID> ids() {
        if (queueIds == null || queueIds.isEmpty()) {
            throw ApiException.badRequest("queueIds must be a non-empty list");
        }
        if (queueIds.stream().anyMatch(Objects::isNull)) {
            throw ApiException.badRequest("queueIds must not contain null");
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (String id : queueIds) {
            try {
                ids.add(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("queueIds must be UUIDs: " + id);
            }
        }
        return ids;
    }
}
