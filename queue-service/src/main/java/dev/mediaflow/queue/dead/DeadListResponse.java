package dev.mediaflow.queue.dead;

import java.util.List;

/** {@code GET /api/queue/dead}: how many tasks are parked, and the newest of them. */
public record DeadListResponse(long count, List<DeadTask> items) {
}
