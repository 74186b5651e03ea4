package dev.mediaflow.queue.metrics;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Aggregates over the finished jobs, for the metrics endpoint. */
@Repository
class MetricsStore {

    private static final String COUNTS = "count(*) FILTER (WHERE status = 'completed') AS completed, "
            + "count(*) FILTER (WHERE status = 'failed') AS failed";

    private final DatabaseClient db;

    MetricsStore(DatabaseClient db) {
        this.db = db;
    }

    record Summary(long completed, long failed, Long avgMs, Long minMs, Long maxMs) {
    }

    Mono<Summary> summary(MetricsFilter filter) {
        Map<String, Object> params = new HashMap<>();
        String sql = "SELECT " + COUNTS + ", round(avg(duration_ms))::bigint AS avg_ms, "
                + "min(duration_ms) AS min_ms, max(duration_ms) AS max_ms FROM jobs" + where(filter, params);
        return db.sql(sql).bindValues(params)
                .map(row -> new Summary(row.get("completed", Long.class), row.get("failed", Long.class),
                        row.get("avg_ms", Long.class), row.get("min_ms", Long.class), row.get("max_ms", Long.class)))
                .one();
    }

    Flux<MetricsResponse.HourBucket> hourly(MetricsFilter filter) {
        Map<String, Object> params = new HashMap<>();
        String sql = "SELECT date_trunc('hour', completed_at, 'UTC') AS hour, " + COUNTS + " FROM jobs"
                + where(filter, params) + " GROUP BY 1 ORDER BY 1";
        return db.sql(sql).bindValues(params)
                .map(row -> new MetricsResponse.HourBucket(row.get("hour", Instant.class),
                        row.get("completed", Long.class), row.get("failed", Long.class)))
                .all();
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
