package dev.mediaflow.queue.metrics;

import dev.mediaflow.messages.Operation;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The SQL that turns finished jobs into figures, shared by the reader ({@link MetricsStore}) and the compactor
 * ({@link MetricHourCompactor}), so that what is kept per hour and what is computed from the jobs are the same
 * thing. Each finished job gives one row for itself (operation {@code ''}: succeeded when completed, its duration)
 * and one per operation it asked for (succeeded when the task that made it succeeded, else by the job's status;
 * that task's duration). A duplicate upload (no tasks) counts by its job's status and has no durations.
 */
final class JobFigures {

    /** The jobs that have figures (migration V86's {@code job_metric_counted}, written out for the partial indexes). */
    static final String FINISHED = "j.status IN ('completed', 'failed') AND j.completed_at IS NOT NULL";

    /** The hour a finished job counts in. */
    static final String HOUR = "date_trunc('hour', j.completed_at, 'UTC')";

    /** The columns of {@code jobs} that make the figures, for {@link #of}. */
    static final String JOB_COLUMNS = "j.id, j.owner, j.project_id, j.status, j.completed_at, j.duration_ms, j.operations";

    /** Which worker kind's task makes an operation, from {@link Operation} itself. */
    private static final String WORKER_OF_OPERATION = Arrays.stream(Operation.values())
            .map(op -> "WHEN '" + op.json() + "' THEN '" + op.worker().json() + "'")
            .collect(Collectors.joining(" ", "CASE op.name ", " END"));

    /**
     * Summed over figure rows (columns {@code succeeded} and {@code duration_ms}): the columns of
     * {@code job_metric_hours} that a group of them makes.
     */
    static final String SUMS = "count(*) FILTER (WHERE succeeded) AS completed, "
            + "count(*) FILTER (WHERE NOT succeeded) AS failed, "
            + "COALESCE(sum(duration_ms), 0)::bigint AS duration_sum, count(duration_ms) AS duration_count, "
            + "min(duration_ms) AS min_ms, max(duration_ms) AS max_ms";

    private JobFigures() {
    }

    /**
     * {@link #JOB_COLUMNS} of the finished jobs in the hours of {@code hours} (a CTE of owner and hour), plus
     * {@code where}: one range scan of {@code jobs_owner_finished_idx} per hour ({@code OFFSET 0} keeps the
     * planner from joining all of the owners' jobs with all of the hours instead, which it chose for the thousands
     * of hours of a backfill).
     */
    static String inHours(String hours, String where) {
        return "SELECT " + JOB_COLUMNS + " FROM " + hours + " s CROSS JOIN LATERAL (SELECT " + JOB_COLUMNS
                + " FROM jobs j WHERE j.owner = s.owner AND j.completed_at >= s.hour"
                + " AND j.completed_at < s.hour + interval '1 hour' AND " + FINISHED + where + " OFFSET 0) j";
    }

    /**
     * The figure rows {@code (owner, project_id, hour, operation, succeeded, duration_ms)} of the jobs that
     * {@code jobs} selects (a query giving {@link #JOB_COLUMNS} of finished jobs).
     */
    static String of(String jobs) {
        return "SELECT j.owner, j.project_id, " + HOUR + " AS hour, f.operation, f.succeeded, f.duration_ms"
                + " FROM (" + jobs + ") j CROSS JOIN LATERAL ("
                + "SELECT '' AS operation, j.status = 'completed' AS succeeded, j.duration_ms"
                + " UNION ALL SELECT op.name, COALESCE(t.status = 'succeeded', j.status = 'completed'), t.duration_ms"
                + " FROM unnest(string_to_array(j.operations, ',')) AS op(name)"
                + " LEFT JOIN tasks t ON t.job_id = j.id AND t.worker = " + WORKER_OF_OPERATION + ") f";
    }
}
