package dev.mediaflow.queue.support;

import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The stored rows of one job, without its ids and write times, so that two jobs can be compared. */
public record Rows(Map<String, Object> job, List<Map<String, Object>> tasks, List<Map<String, Object>> results) {

    public static Rows of(DatabaseClient db, UUID jobId, UUID mediaItemId) {
        Duration wait = Duration.ofSeconds(10);
        Map<String, Object> job = db.sql("""
                        SELECT status, run, priority, attempts, max_attempts, last_error, operations, queued_at,
                               started_at, completed_at, duration_ms FROM jobs WHERE id = :id""")
                .bind("id", jobId).fetch().one().block(wait);
        List<Map<String, Object>> tasks = db.sql("""
                        SELECT worker, run, attempt, status, progress, last_error, error_rank, worker_id, started_at,
                               finished_at, duration_ms FROM tasks WHERE job_id = :id ORDER BY worker""")
                .bind("id", jobId).fetch().all().collectList().block(wait);
        List<Map<String, Object>> results = db.sql("""
                        SELECT name, width, height, bytes, model FROM results
                        WHERE media_item_id = :id ORDER BY name""")
                .bind("id", mediaItemId).fetch().all().collectList().block(wait);
        return new Rows(job, tasks, results);
    }
}
