package dev.mediaflow.queue.metrics;

import java.time.Instant;
import java.util.List;

public record MetricsResponse(boolean success, Stats stats) {

    /**
     * @param successRate        completed / (completed + failed), 0 when neither
     * @param avgDuration        durations in ms; null when no job has one
     * @param operationBreakdown the same figures for each operation asked for (added to the contract's fields)
     */
    public record Stats(double successRate, Long avgDuration, Long minDuration, Long maxDuration,
                        List<HourBucket> hourlyBreakdown, List<OperationFigures> operationBreakdown) {
    }

    /** Jobs that finished within the hour starting at {@code hour} (UTC). */
    public record HourBucket(Instant hour, long completed, long failed) {
    }

    /**
     * One operation over the finished jobs that asked for it: completed when its task succeeded; the
     * durations (ms) are those of that task, null when none has one.
     */
    public record OperationFigures(String operation, long completed, long failed, double successRate,
                                   Long avgDuration, Long minDuration, Long maxDuration) {
    }
}
