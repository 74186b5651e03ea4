package dev.mediaflow.queue.metrics;

import dev.mediaflow.http.ApiException;

import java.time.Duration;
import java.time.Instant;

/** The {@code timeRange} of the metrics: how far back a job's completion may lie. */
enum TimeRange {
    LAST_24_HOURS("24h", Duration.ofHours(24)),
    LAST_7_DAYS("7d", Duration.ofDays(7)),
    LAST_30_DAYS("30d", Duration.ofDays(30)),
    ALL("all", null);

    private final String value;
    private final Duration length;

    TimeRange(String value, Duration length) {
        this.value = value;
        this.length = length;
    }

    /** null for {@link #ALL}. */
    Instant since(Instant now) {
        return length == null ? null : now.minus(length);
    }

    static TimeRange parse(String value) {
        if (value == null || value.isEmpty()) {
            return LAST_24_HOURS;
        }
        for (TimeRange range : values()) {
            if (range.value.equals(value)) {
                return range;
            }
        }
        throw ApiException.badRequest("timeRange must be one of 24h, 7d, 30d, all");
    }
}
