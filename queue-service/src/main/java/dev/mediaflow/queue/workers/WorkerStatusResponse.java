package dev.mediaflow.queue.workers;

import java.util.List;

/** {@code running}: some worker consumes; {@code processing}: some worker has a task in hand. */
public record WorkerStatusResponse(boolean running, boolean processing, List<WorkerView> workers) {
}
