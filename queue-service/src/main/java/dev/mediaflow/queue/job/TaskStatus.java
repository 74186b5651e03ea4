package dev.mediaflow.queue.job;

import dev.mediaflow.messages.EventType;

import java.util.Locale;

/**
 * A task's state within its run. Within one run states are ordered by (attempt, rank); a task
 * row only moves to a state of an equal or higher order and never leaves a final state.
 */
public enum TaskStatus {
    QUEUED(0), STARTED(1), PROGRESS(2), FAILED(3), RETRYING(4), SUCCEEDED(5), DEAD(5), CANCELLED(5);

    private final int rank;

    TaskStatus(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    public boolean isFinal() {
        return rank == 5;
    }

    public String db() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public static TaskStatus of(EventType type) {
        return switch (type) {
            case TASK_STARTED -> STARTED;
            case TASK_PROGRESS -> PROGRESS;
            case TASK_FAILED -> FAILED;
            case TASK_RETRYING -> RETRYING;
            case TASK_SUCCEEDED -> SUCCEEDED;
            case TASK_DEAD -> DEAD;
            case TASK_CANCELLED -> CANCELLED;
            case JOB_SUBMITTED -> throw new IllegalArgumentException("job.submitted is not a task event");
        };
    }
}
