package dev.mediaflow.worker.meters;

import java.util.Locale;

/**
 * How a task attempt ended, as {@code mediaflow_tasks_total{outcome}} names it: the same words as the task events
 * and the item's {@code attempts_log}, so a dashboard and the API tell one story.
 */
public enum TaskOutcome {
    SUCCEEDED, FAILED, RETRYING, DEAD, CANCELLED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
