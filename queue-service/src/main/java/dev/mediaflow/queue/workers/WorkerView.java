package dev.mediaflow.queue.workers;

import java.util.Map;

/** One worker instance as its heartbeat hash describes it. */
public record WorkerView(String id, String kind, String state, String currentJob, long processed, long failed,
                         String lastHeartbeat) {

    static WorkerView fromHash(String fallbackId, Map<String, String> hash) {
        String currentJob = hash.get("currentJob");
        return new WorkerView(
                hash.getOrDefault("id", fallbackId),
                hash.get("kind"),
                hash.getOrDefault("state", "running"),
                currentJob == null || currentJob.isBlank() ? null : currentJob,
                number(hash.get("processed")),
                number(hash.get("failed")),
                hash.get("lastHeartbeat"));
    }

    boolean running() {
        return "running".equals(state);
    }

    boolean busy() {
        return currentJob != null;
    }

    private static long number(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
