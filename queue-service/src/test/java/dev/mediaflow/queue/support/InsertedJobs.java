package dev.mediaflow.queue.support;

import dev.mediaflow.queue.job.JobStatus;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Many jobs written straight into PostgreSQL, a few statements for thousands (applying their events one by one would
 * take minutes): each with its own photo media item, operations {@code thumbnail,depth}, queued at {@link #QUEUED}.
 * A {@code processing} job started at {@link #STARTED}, its image task at 40 % and its vision task started (so
 * its progress is 20); a {@code completed} or {@code failed} one also finished at {@link #FINISHED}.
 */
public final class InsertedJobs {

    public static final Instant QUEUED = Instant.parse("2026-11-01T10:00:00Z");
    public static final Instant STARTED = Instant.parse("2026-11-01T10:00:05.123456Z");
    public static final Instant FINISHED = Instant.parse("2026-11-01T10:01:00Z");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private InsertedJobs() {
    }

    /** @return the new jobs' ids */
    public static List<UUID> insert(DatabaseClient db, String owner, String project, String batch, JobStatus status,
                                    int count) {
        String tag = "inserted-" + UUID.randomUUID();
        boolean started = status != JobStatus.QUEUED && status != JobStatus.PENDING;
        boolean finished = status.isFinal();
        db.sql("""
                        INSERT INTO media_items (id, owner, media_type, file_size, input_path, output_dir, created_at)
                        SELECT gen_random_uuid(), :owner, 'photo', 1000 + n, :tag, 'out', :queued
                        FROM generate_series(1, :count) AS n""")
                .bind("owner", owner).bind("tag", tag).bind("queued", QUEUED).bind("count", count)
                .then().block(WAIT);
        List<UUID> ids = db.sql("""
                        INSERT INTO jobs (id, media_item_id, owner, status, priority, max_attempts, operations,
                                          project_id, batch_id, queued_at, started_at, completed_at, duration_ms)
                        SELECT gen_random_uuid(), m.id, :owner, :status, 50, 3, 'thumbnail,depth', :project, :batch,
                               :queued, CASE WHEN :started THEN CAST(:startedAt AS timestamptz) END,
                               CASE WHEN :finished THEN CAST(:finishedAt AS timestamptz) END,
                               CASE WHEN :finished THEN 54877 END
                        FROM media_items m WHERE m.input_path = :tag RETURNING id""")
                .bind("owner", owner).bind("status", status.json()).bind("project", project).bind("batch", batch)
                .bind("queued", QUEUED).bind("started", started).bind("startedAt", STARTED)
                .bind("finished", finished).bind("finishedAt", FINISHED).bind("tag", tag)
                .mapValue(UUID.class).all().collectList().block(WAIT);
        if (started) {
            db.sql("""
                            INSERT INTO tasks (job_id, worker, run, attempt, status, progress, started_at)
                            SELECT id, w.worker, 1, 1, CASE WHEN w.worker = 'image' THEN 'progress' ELSE 'started' END,
                                   CASE WHEN w.worker = 'image' THEN 40 ELSE 0 END, :startedAt
                            FROM jobs, (VALUES ('image'), ('vision')) AS w(worker)
                            WHERE id = ANY(CAST(:ids AS uuid[]))""")
                    .bind("startedAt", STARTED).bind("ids", ids.toArray(UUID[]::new))
                    .then().block(WAIT);
        }
        return ids;
    }

    /** The jobs' media items expired now, as the file TTL leaves them: their originals are gone. */
    public static void expireMedia(DatabaseClient db, List<UUID> jobIds) {
        db.sql("UPDATE media_items SET expired_at = now() WHERE id IN (SELECT media_item_id FROM jobs"
                        + " WHERE id = ANY(CAST(:ids AS uuid[])))")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .then().block(WAIT);
    }
}
