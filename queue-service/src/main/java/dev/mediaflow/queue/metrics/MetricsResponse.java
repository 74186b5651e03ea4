package dev.mediaflow.queue.metrics;

import java.time.Instant;
import java.util.List;

public record MetricsResponse(boolean success, Stats stats) {

    /**
     * @param successRate completed / (completed + failed), 0 when neither
     * @param avgDuration durations in ms; null when no job has one
     */
    public record Stats(double successRate, Long avgDuration, Long minDuration, Long maxDuration,
                        List<HourBucket> hourlyBreakdown) {
    }

    /** Jobs that finished within the hour starting at {@code hour} (UTC). */
    public record HourBucket(Instant hour, long completed, long failed) {
    }
}
