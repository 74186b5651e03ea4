package dev.mediaflow.queue.store;

import dev.mediaflow.queue.job.TaskRow;

import java.time.Instant;

/**
 * The times of a row as PostgreSQL stores them: {@code timestamptz} keeps microseconds and rounds the rest to the
 * nearest. A change folded in memory ({@code JobEventFold}) derives the next one from what a write would have
 * returned, as one event applied at a time does from {@code RETURNING}, so it rounds the same way.
 */
public final class StoredPrecision {

    private StoredPrecision() {
    }

    public static TaskRow of(TaskRow t) {
        return new TaskRow(t.jobId(), t.worker(), t.run(), t.attempt(), t.status(), t.progress(), t.lastError(),
                t.errorRank(), t.workerId(), of(t.startedAt()), of(t.finishedAt()), t.durationMs());
    }

    /** Rounded to the microsecond, half up (a time at a whole microsecond, as Java's clocks give, is kept). */
    public static Instant of(Instant at) {
        if (at == null) {
            return null;
        }
        long rest = at.getNano() % 1_000;
        return rest == 0 ? at : at.minusNanos(rest).plusNanos(rest >= 500 ? 1_000 : 0);
    }
}
