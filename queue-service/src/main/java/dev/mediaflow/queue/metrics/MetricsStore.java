package dev.mediaflow.queue.metrics;

import dev.mediaflow.messages.Operation;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of the finished jobs, computed by PostgreSQL in one statement from the hourly figures kept by
 * {@link MetricHourCompactor} (migration V86): the totals, the hourly buckets and the per-operation figures come
 * back as rows of one {@code UNION ALL}, which Java only sorts into the answer. What the kept rows do not hold yet is
 * computed from the jobs in the same statement: the hours made stale by a job that left them, the jobs finished
 * since the last compaction, and the first hour of the range, which the range starts inside of. One statement also
 * means one snapshot: the parts always agree, and they equal the aggregation over every finished job (which is
 * what this class ran before V86; {@code MetricsAtScaleTest} compares the two).
 *
 * <p>Per operation, each finished job counts once for every operation it asked for (see {@link JobFigures}).
 */
@Repository
class MetricsStore {

    /** Summed over rows of {@link JobFigures#SUMS}: the figures of the answer. */
    private static final String TOTALS = "COALESCE(sum(completed), 0)::bigint AS completed, "
            + "COALESCE(sum(failed), 0)::bigint AS failed, "
            + "COALESCE(sum(completed)::float8 / NULLIF(sum(completed + failed)::float8, 0), 0) AS success_rate, "
            + "round(sum(duration_sum)::numeric / NULLIF(sum(duration_count), 0))::bigint AS avg_ms, "
            + "min(min_ms) AS min_ms, max(max_ms) AS max_ms";

    private final DatabaseClient db;

    MetricsStore(DatabaseClient db) {
        this.db = db;
    }

    /** Totals, hourly buckets (oldest first) and per-operation figures (in {@link Operation} order). */
    Mono<MetricsResponse.Stats> stats(MetricsFilter filter) {
        Map<String, Object> params = new HashMap<>();
        return db.sql(sql(filter, params)).bindValues(params).map(MetricsStore::row).all().collectList()
                .map(MetricsStore::stats);
    }

    /** The statement of {@link #stats}; fills {@code params} with its parameters. */
    static String sql(MetricsFilter filter, Map<String, Object> params) {
        String owner = "";
        String project = "";
        String fromHour = "";
        if (filter.owner() != null) {
            owner = " AND j.owner = :owner";
            params.put("owner", filter.owner());
        }
        if (filter.projectId() != null) {
            project = " AND j.project_id = :projectId";
            params.put("projectId", filter.projectId());
        }
        String firstHour = null;
        if (filter.since() != null) {
            // the range starts inside an hour: that hour's jobs from the jobs, the whole hours after it kept
            Instant from = filter.since().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
            fromHour = " AND j.hour >= :from";
            params.put("from", from);
            params.put("since", filter.since());
            firstHour = "SELECT " + JobFigures.JOB_COLUMNS + " FROM jobs j WHERE " + JobFigures.FINISHED
                    + " AND j.completed_at >= :since AND j.completed_at < :from" + owner + project;
        }
        String kept = filter.projectId() == null ? "NOT j.by_project" : "j.by_project";
        String live = JobFigures.inHours("stale", project)
                + " UNION ALL SELECT " + JobFigures.JOB_COLUMNS + " FROM jobs j"
                + " WHERE j.id IN (SELECT job_id FROM job_metric_entered) AND " + JobFigures.FINISHED + owner + project
                + (filter.since() == null ? "" : " AND j.completed_at >= :from")
                + " AND NOT EXISTS (SELECT 1 FROM stale s WHERE s.owner = j.owner AND s.hour = " + JobFigures.HOUR + ")"
                + (firstHour == null ? "" : " UNION ALL " + firstHour);
        return "WITH stale AS (SELECT DISTINCT owner, hour FROM job_metric_stale_hours j WHERE true"
                + owner + project + fromHour + "), "
                + "figures AS (SELECT hour, operation, completed, failed, duration_sum, duration_count, min_ms, max_ms"
                + " FROM job_metric_hours j WHERE " + kept + owner + project + fromHour
                + " AND NOT EXISTS (SELECT 1 FROM stale s WHERE s.owner = j.owner AND s.hour = j.hour)"
                + " UNION ALL SELECT hour, operation, " + JobFigures.SUMS + " FROM (" + JobFigures.of(live) + ") f"
                + " GROUP BY hour, operation) "
                + "SELECT 'total' AS part, NULL::timestamptz AS hour, NULL::text AS operation, " + TOTALS
                + " FROM figures WHERE operation = '' "
                + "UNION ALL SELECT 'hour', hour, NULL, " + TOTALS + " FROM figures WHERE operation = '' GROUP BY hour "
                + "UNION ALL SELECT 'operation', NULL, operation, " + TOTALS
                + " FROM figures WHERE operation <> '' GROUP BY operation";
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
}
