package dev.mediaflow.queue.workers;

public record ControlResponse(boolean success, String message) {
}
