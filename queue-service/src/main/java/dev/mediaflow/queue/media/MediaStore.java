package dev.mediaflow.queue.media;

import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The SQL of media items as a whole: the status list, the duplicate lookup and the deletion. */
@Repository
class MediaStore {

    private final DatabaseClient db;

    MediaStore(DatabaseClient db) {
        this.db = db;
    }

    // ---- GET /api/media/status ---------------------------------------------------------------

    /** Media items of one owner (null: all) not being deleted, newest first, each with its latest job. */
    Flux<MediaStatusResponse.Media> list(String owner, int limit, long offset) {
        Map<String, Object> params = new HashMap<>();
        params.put("limit", limit);
        params.put("offset", offset);
        String sql = """
                SELECT m.id, m.original_filename, m.media_type, m.file_size, m.sha256, m.created_at, m.duplicate_of,
                       j.id AS job_id, j.status, j.operations, j.queued_at, j.completed_at
                FROM media_items m
                LEFT JOIN LATERAL (SELECT id, status, operations, queued_at, completed_at FROM jobs
                                   WHERE media_item_id = m.id ORDER BY queued_at DESC, id DESC LIMIT 1) j ON true
                """ + where(owner, params) + " ORDER BY m.created_at DESC, m.id LIMIT :limit OFFSET :offset";
        return db.sql(sql).bindValues(params)
                .map(row -> {
                    UUID jobId = row.get("job_id", UUID.class);
                    MediaStatusResponse.LatestJob job = jobId == null ? null : new MediaStatusResponse.LatestJob(
                            jobId, row.get("status", String.class),
                            List.of(row.get("operations", String.class).split(",")),
                            row.get("queued_at", Instant.class), row.get("completed_at", Instant.class));
                    return new MediaStatusResponse.Media(row.get("id", UUID.class),
                            row.get("original_filename", String.class), row.get("media_type", String.class),
                            row.get("file_size", Long.class), row.get("sha256", String.class),
                            row.get("created_at", Instant.class), row.get("duplicate_of", UUID.class), job);
                })
                .all();
    }

    Mono<Long> count(String owner) {
        Map<String, Object> params = new HashMap<>();
        return db.sql("SELECT count(*) FROM media_items m " + where(owner, params)).bindValues(params)
                .mapValue(Long.class).one();
    }

    private static String where(String owner, Map<String, Object> params) {
        if (owner == null) {
            return "WHERE m.deleting_since IS NULL";
        }
        params.put("owner", owner);
        return "WHERE m.deleting_since IS NULL AND m.owner = :owner";
    }

    // ---- the duplicate lookup ----------------------------------------------------------------

    /**
     * The owner's newest media item with these bytes, not being deleted, whose latest job is completed and whose
     * results are exactly {@code resultNames} (sorted, comma separated).
     */
    Mono<Candidate> findDuplicate(String owner, String sha256, String resultNames) {
        return db.sql("""
                        SELECT m.id, m.output_dir FROM media_items m
                        WHERE m.owner = :owner AND m.sha256 = :sha256 AND m.deleting_since IS NULL
                          AND (SELECT j.status FROM jobs j WHERE j.media_item_id = m.id
                               ORDER BY j.queued_at DESC, j.id DESC LIMIT 1) = 'completed'
                          AND (SELECT string_agg(r.name, ',' ORDER BY r.name) FROM results r
                               WHERE r.media_item_id = m.id) = :names
                        ORDER BY m.created_at DESC, m.id LIMIT 1""")
                .bind("owner", owner)
                .bind("sha256", sha256)
                .bind("names", resultNames)
                .map(row -> new Candidate(row.get("id", UUID.class), row.get("output_dir", String.class)))
                .one();
    }

    record Candidate(UUID mediaItemId, String outputDir) {
    }

    Mono<Map<String, VariantResult>> results(UUID mediaItemId) {
        return db.sql("SELECT name, width, height, bytes, model FROM results WHERE media_item_id = :id ORDER BY name")
                .bind("id", mediaItemId)
                .map(row -> Map.entry(row.get("name", String.class), new VariantResult(row.get("width", Integer.class),
                        row.get("height", Integer.class), row.get("bytes", Long.class), row.get("model", String.class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new);
    }

    // ---- the deletion ------------------------------------------------------------------------

    record Media(UUID id, String owner, String inputPath, String outputDir) {
    }

    /** The media item whether or not its deletion has started. */
    Mono<Media> find(UUID mediaItemId) {
        return db.sql("SELECT id, owner, input_path, output_dir FROM media_items WHERE id = :id")
                .bind("id", mediaItemId)
                .map(row -> new Media(row.get("id", UUID.class), row.get("owner", String.class),
                        row.get("input_path", String.class), row.get("output_dir", String.class)))
                .one();
    }

    /** From now on no new job starts for it; a second call keeps the first time. */
    Mono<Long> markDeleting(UUID mediaItemId) {
        return db.sql("UPDATE media_items SET deleting_since = COALESCE(deleting_since, now()) WHERE id = :id")
                .bind("id", mediaItemId)
                .fetch().rowsUpdated();
    }

    Mono<Boolean> isDeleting(UUID mediaItemId) {
        return db.sql("SELECT deleting_since IS NOT NULL AS deleting FROM media_items WHERE id = :id")
                .bind("id", mediaItemId)
                .map(row -> Boolean.TRUE.equals(row.get("deleting", Boolean.class)))
                .one();
    }

    /** Oldest first. */
    Flux<UUID> jobIds(UUID mediaItemId) {
        return db.sql("SELECT id FROM jobs WHERE media_item_id = :id ORDER BY queued_at, id")
                .bind("id", mediaItemId)
                .mapValue(UUID.class)
                .all();
    }

    /** Tasks of the item's jobs, in their job's current run, that a worker has started and not ended. */
    Mono<Long> runningTasks(UUID mediaItemId) {
        return db.sql("""
                        SELECT count(*) FROM tasks t JOIN jobs j ON j.id = t.job_id
                        WHERE j.media_item_id = :id AND t.run = j.run AND t.status IN ('started', 'progress')""")
                .bind("id", mediaItemId)
                .mapValue(Long.class)
                .one();
    }

    /** One (job, worker, run) a worker may hold a done flag for, and the attempts it may hold keys for. */
    record TaskRun(UUID jobId, WorkerKind worker, int run, int attempt) {
    }

    /** Every attempt the attempts log knows of the item's jobs: the worker-side Redis keys to remove. */
    Flux<TaskRun> attempts(UUID mediaItemId) {
        return db.sql("""
                        SELECT a.job_id, a.worker, a.run, a.attempt FROM task_attempts a
                        JOIN jobs j ON j.id = a.job_id WHERE j.media_item_id = :id""")
                .bind("id", mediaItemId)
                .map(row -> new TaskRun(row.get("job_id", UUID.class),
                        WorkerKind.fromJson(row.get("worker", String.class)), row.get("run", Integer.class),
                        row.get("attempt", Integer.class)))
                .all();
    }

    /**
     * In one transaction, holding every job's lock: tombstones for the jobs, then every row of the item goes
     * (task messages not yet published included), and so does every reference to it.
     */
    Mono<Void> purge(UUID mediaItemId) {
        return Flux.concat(
                        statement("""
                                INSERT INTO deleted_jobs (job_id, media_item_id)
                                SELECT id, media_item_id FROM jobs WHERE media_item_id = :id
                                ON CONFLICT (job_id) DO NOTHING""", mediaItemId),
                        statement("DELETE FROM task_outbox WHERE job_id IN (SELECT id FROM jobs WHERE media_item_id = :id)",
                                mediaItemId),
                        statement("DELETE FROM task_attempts WHERE job_id IN (SELECT id FROM jobs WHERE media_item_id = :id)",
                                mediaItemId),
                        statement("DELETE FROM tasks WHERE job_id IN (SELECT id FROM jobs WHERE media_item_id = :id)",
                                mediaItemId),
                        statement("DELETE FROM results WHERE media_item_id = :id", mediaItemId),
                        statement("DELETE FROM jobs WHERE media_item_id = :id", mediaItemId),
                        // a duplicate of it keeps its results (its own links) but no longer names a deleted item
                        statement("UPDATE media_items SET duplicate_of = NULL WHERE duplicate_of = :id", mediaItemId),
                        statement("DELETE FROM media_items WHERE id = :id", mediaItemId))
                .then();
    }

    private Mono<Long> statement(String sql, UUID mediaItemId) {
        return db.sql(sql).bind("id", mediaItemId).fetch().rowsUpdated();
    }
}
