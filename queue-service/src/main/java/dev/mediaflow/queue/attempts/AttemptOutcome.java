package dev.mediaflow.queue.attempts;

import dev.mediaflow.messages.EventType;

import java.util.Locale;

/**
 * How one attempt ended, ranked so that the attempts log does not depend on event order: a
 * failure is followed by its retry or death, a silent attempt is {@code LOST} even if a late
 * death arrives, and a success (of any copy) beats everything.
 */
public enum AttemptOutcome {
    FAILED(1), RETRYING(2), CANCELLED(3), DEAD(4), LOST(5), SUCCEEDED(6);

    private final int rank;

    AttemptOutcome(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome an event reports, or null for one that does not end its attempt (start, progress). */
    public static AttemptOutcome of(EventType type) {
        return switch (type) {
            case TASK_SUCCEEDED -> SUCCEEDED;
            case TASK_FAILED -> FAILED;
            case TASK_RETRYING -> RETRYING;
            case TASK_DEAD -> DEAD;
            case TASK_CANCELLED -> CANCELLED;
            case TASK_STARTED, TASK_PROGRESS, JOB_SUBMITTED -> null;
        };
    }
}
