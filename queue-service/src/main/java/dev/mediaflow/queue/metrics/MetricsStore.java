package dev.mediaflow.queue.metrics;

import dev.mediaflow.messages.Operation;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The metrics of the finished jobs, computed by PostgreSQL in one statement: the totals, the hourly buckets
 * ({@code date_trunc}) and the per-operation figures come back as rows of one {@code UNION ALL}, which Java
 * only sorts into the answer. One statement also means one snapshot: the three parts always agree.
 *
 * <p>Per operation, each finished job counts once for every operation it asked for: completed when the task
 * that made that operation succeeded (a failed job's other task may have), failed otherwise; durations are
 * that task's. A duplicate upload (no tasks, it reused earlier results) counts by its job's status and has
 * no duration.
 */
@Repository
class MetricsStore {

    /** Which worker kind's task makes an operation, from {@link Operation} itself. */
    private static final String WORKER_OF_OPERATION = Arrays.stream(Operation.values())
            .map(op -> "WHEN '" + op.json() + "' THEN '" + op.worker().json() + "'")
            .collect(Collectors.joining(" ", "CASE op.name ", " END"));

    private static final String FIGURES = "count(*) FILTER (WHERE %1$s) AS completed, "
            + "count(*) FILTER (WHERE NOT %1$s) AS failed, "
            + "COALESCE(count(*) FILTER (WHERE %1$s)::float8 / NULLIF(count(*), 0), 0) AS success_rate, "
            + "round(avg(duration_ms))::bigint AS avg_ms, min(duration_ms) AS min_ms, max(duration_ms) AS max_ms";
    private static final String JOB_FIGURES = String.format(FIGURES, "status = 'completed'");

    private final DatabaseClient db;

    MetricsStore(DatabaseClient db) {
        this.db = db;
    }

    /** Totals, hourly buckets (oldest first) and per-operation figures (in {@link Operation} order). */
    Mono<MetricsResponse.Stats> stats(MetricsFilter filter) {
        Map<String, Object> params = new HashMap<>();
        String sql = "WITH finished AS (SELECT id, status, duration_ms, completed_at, operations FROM jobs"
                + where(filter, params) + "), "
                + "per_operation AS (SELECT op.name AS operation, "
                + "COALESCE(t.status = 'succeeded', f.status = 'completed') AS succeeded, t.duration_ms "
                + "FROM finished f CROSS JOIN LATERAL unnest(string_to_array(f.operations, ',')) AS op(name) "
                + "LEFT JOIN tasks t ON t.job_id = f.id AND t.worker = " + WORKER_OF_OPERATION + ") "
                + "SELECT 'total' AS part, NULL::timestamptz AS hour, NULL::text AS operation, " + JOB_FIGURES
                + " FROM finished "
                + "UNION ALL SELECT 'hour', date_trunc('hour', completed_at, 'UTC'), NULL, " + JOB_FIGURES
                + " FROM finished GROUP BY 2 "
                + "UNION ALL SELECT 'operation', NULL, operation, " + String.format(FIGURES, "succeeded")
                + " FROM per_operation GROUP BY 3";
        return db.sql(sql).bindValues(params).map(MetricsStore::row).all().collectList().map(MetricsStore::stats);
    }

    private record Row(String part, Instant hour, String operation, long completed, long failed, double successRate,
                       Long avgMs, Long minMs, Long maxMs) {
    }

    private static Row row(Readable r) {
        return new Row(r.get("part", String.class), r.get("hour", Instant.class), r.get("operation", String.class),
                r.get("completed", Long.class), r.get("failed", Long.class), r.get("success_rate", Double.class),
                r.get("avg_ms", Long.class), r.get("min_ms", Long.class), r.get("max_ms", Long.class));
    }

    private static MetricsResponse.Stats stats(List<Row> rows) {
        Row total = rows.stream().filter(r -> r.part().equals("total")).findFirst().orElseThrow();
        List<MetricsResponse.HourBucket> hours = rows.stream().filter(r -> r.part().equals("hour"))
                .sorted(Comparator.comparing(Row::hour))
                .map(r -> new MetricsResponse.HourBucket(r.hour(), r.completed(), r.failed()))
                .toList();
        List<MetricsResponse.OperationFigures> operations = new ArrayList<>();
        for (Operation op : Operation.values()) {
            rows.stream().filter(r -> r.part().equals("operation") && op.json().equals(r.operation())).findFirst()
                    .ifPresent(r -> operations.add(new MetricsResponse.OperationFigures(op.json(), r.completed(),
                            r.failed(), r.successRate(), r.avgMs(), r.minMs(), r.maxMs())));
        }
        return new MetricsResponse.Stats(total.successRate(), total.avgMs(), total.minMs(), total.maxMs(), hours,
                operations);
    }

    private static String where(MetricsFilter filter, Map<String, Object> params) {
        StringBuilder where = new StringBuilder(
                " WHERE status IN ('completed', 'failed') AND completed_at IS NOT NULL");
        if (filter.owner() != null) {
            where.append(" AND owner = :owner");
            params.put("owner", filter.owner());
        }
        if (filter.projectId() != null) {
            where.append(" AND project_id = :projectId");
            params.put("projectId", filter.projectId());
        }
        if (filter.since() != null) {
            where.append(" AND completed_at >= :since");
            params.put("since", filter.since());
        }
        return where.toString();
    }
}
