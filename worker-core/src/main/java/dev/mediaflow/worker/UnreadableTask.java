package dev.mediaflow.worker;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.WorkerKind;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads what it can of a task message that does not parse as a task, to tell its job that the task is
 * dead: a parked message without an event would leave the job waiting forever.
 */
final class UnreadableTask {

    private UnreadableTask() {
    }

    /** The {@code task.dead} event, or empty when not even the jobId can be read. */
    static Optional<JobEvent> deadEvent(byte[] body, WorkerKind consumedKind, String workerId, String reason) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (RuntimeException notJson) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        UUID jobId = uuid(root.get("jobId"));
        if (jobId == null) {
            return Optional.empty();
        }
        int run = positive(root.get("run"), 1);
        int attempt = positive(root.get("attempt"), 1);
        int maxAttempts = positive(root.get("maxAttempts"), attempt);
        JsonNode ownerNode = root.get("owner");
        String owner = ownerNode != null && ownerNode.isString() ? ownerNode.asString() : null;
        return Optional.of(new JobEvent(UUID.randomUUID(), EventType.TASK_DEAD, jobId, uuid(root.get("mediaItemId")),
                owner, consumedKind, run, attempt, maxAttempts, Instant.now(), workerId, null, reason, null, null, null));
    }

    private static UUID uuid(JsonNode node) {
        if (node == null || !node.isString()) {
            return null;
        }
        try {
            return UUID.fromString(node.asString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int positive(JsonNode node, int fallback) {
        return node != null && node.canConvertToInt() && node.asInt() >= 1 ? node.asInt() : fallback;
    }
}
