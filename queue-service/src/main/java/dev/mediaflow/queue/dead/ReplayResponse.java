package dev.mediaflow.queue.dead;

public record ReplayResponse(boolean success, long replayedCount) {
}
