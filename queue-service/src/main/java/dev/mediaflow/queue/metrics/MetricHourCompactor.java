package dev.mediaflow.queue.metrics;

import dev.mediaflow.queue.background.SubscribedLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Keeps {@code job_metric_hours} (migration V86) from what the triggers on {@code jobs} and {@code tasks} append,
 * every second, so that the metrics read a few rows per owner and hour however many jobs there are. The jobs that
 * entered since the last pass are added to their hours (counts and sums added, min and max widened); the hours a
 * job left, or whose tasks changed, are computed anew from their jobs, since a min or a max cannot be taken back.
 * One statement does it all (the markers deleted and the figures written in one snapshot, so a concurrent reader
 * sees a job either in the kept rows or in what it computes itself, never both or neither), and a
 * transaction-scoped advisory lock lets one instance of queue-service at a time do it.
 */
@Component
public class MetricHourCompactor extends SubscribedLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MetricHourCompactor.class);
    static final Duration EVERY = Duration.ofSeconds(1);
    /** The advisory lock key of the compaction (any constant that no other lock of queue-service uses). */
    static final long LOCK = 0x4d65747269637348L;

    private static final String KEY = "owner, by_project, project_id, hour, operation";
    private static final String COLUMNS = KEY + ", completed, failed, duration_sum, duration_count, min_ms, max_ms";

    private final DatabaseClient db;

    public MetricHourCompactor(DatabaseClient db) {
        this.db = db;
    }

    @Override
    protected Disposable subscribe() {
        return periodically(EVERY, this::compact, log, "metric hour compaction");
    }

    /**
     * Past this many markers moved at once (the backfill of V86, a bulk load) the marker tables are vacuumed at
     * once: every reader scans them, and until autovacuum comes (it took more than 15 minutes on a busy machine)
     * their empty pages cost a 1M-job metrics read ten times the read itself.
     */
    static final long VACUUM_AFTER = 10_000;

    /** Folds every marker into the kept hours; the number of markers (entered jobs and stale hours) moved. */
    public Mono<Long> compact() {
        return db.sql(SQL).bind("lock", LOCK).mapValue(Long.class).one()
                .flatMap(moved -> moved < VACUUM_AFTER ? Mono.just(moved)
                        : db.sql("VACUUM job_metric_entered, job_metric_stale_hours").then().thenReturn(moved));
    }

    /** The statement of {@link #compact}. */
    static final String SQL = sql();

    private static String sql() {
        String recomputed = JobFigures.of(JobFigures.inHours("stale_hours", ""));
        String added = JobFigures.of("SELECT " + JobFigures.JOB_COLUMNS + " FROM jobs j"
                + " WHERE j.id IN (SELECT job_id FROM entered) AND " + JobFigures.FINISHED
                + " AND NOT EXISTS (SELECT 1 FROM stale_hours s WHERE s.owner = j.owner AND s.hour = "
                + JobFigures.HOUR + ")");
        return "WITH lock AS (SELECT pg_try_advisory_xact_lock(:lock) AS got), "
                        + "stale AS (DELETE FROM job_metric_stale_hours WHERE (SELECT got FROM lock)"
                        + " RETURNING owner, hour), "
                        + "entered AS (DELETE FROM job_metric_entered WHERE (SELECT got FROM lock) RETURNING job_id), "
                        + "stale_hours AS (SELECT DISTINCT owner, hour FROM stale), "
                        + "recomputed_figures AS (" + recomputed + "), "
                        + "recomputed AS (" + perHour("recomputed_figures") + "), "
                        + "added_figures AS (" + added + "), "
                        + "added AS (" + perHour("added_figures") + "), "
                        + "replaced AS (INSERT INTO job_metric_hours AS h (" + COLUMNS + ") SELECT * FROM recomputed ORDER BY " + KEY
                        + " ON CONFLICT ON CONSTRAINT job_metric_hours_key DO UPDATE SET"
                        + " completed = EXCLUDED.completed, failed = EXCLUDED.failed,"
                        + " duration_sum = EXCLUDED.duration_sum, duration_count = EXCLUDED.duration_count,"
                        + " min_ms = EXCLUDED.min_ms, max_ms = EXCLUDED.max_ms), "
                        + "emptied AS (DELETE FROM job_metric_hours h USING stale_hours s"
                        + " WHERE h.owner = s.owner AND h.hour = s.hour AND NOT EXISTS (SELECT 1 FROM recomputed r"
                        + " WHERE (r.owner, r.by_project, r.hour, r.operation) = (h.owner, h.by_project, h.hour, h.operation)"
                        + " AND r.project_id IS NOT DISTINCT FROM h.project_id)), "
                        + "merged AS (INSERT INTO job_metric_hours AS h (" + COLUMNS + ") SELECT * FROM added ORDER BY " + KEY
                        + " ON CONFLICT ON CONSTRAINT job_metric_hours_key DO UPDATE SET"
                        + " completed = h.completed + EXCLUDED.completed, failed = h.failed + EXCLUDED.failed,"
                        + " duration_sum = h.duration_sum + EXCLUDED.duration_sum,"
                        + " duration_count = h.duration_count + EXCLUDED.duration_count,"
                        + " min_ms = LEAST(h.min_ms, EXCLUDED.min_ms), max_ms = GREATEST(h.max_ms, EXCLUDED.max_ms)) "
                        + "SELECT (SELECT count(*) FROM stale) + (SELECT count(*) FROM entered) AS moved";
    }

    /** The kept rows that the figure rows of {@code figures} (a CTE) make: per project, and per owner over all. */
    private static String perHour(String figures) {
        return "SELECT owner, true AS by_project, project_id, hour, operation, " + JobFigures.SUMS
                + " FROM " + figures + " GROUP BY owner, project_id, hour, operation"
                + " UNION ALL SELECT owner, false, NULL::text, hour, operation, " + JobFigures.SUMS
                + " FROM " + figures + " GROUP BY owner, hour, operation";
    }
}
