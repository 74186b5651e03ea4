package dev.mediaflow.queue.items;

import java.time.Instant;
import java.util.Map;

public record StatsResponse(Map<String, Long> stats, Instant timestamp) {
}
