package dev.mediaflow.queue.aging;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.PriorityRule;
import dev.mediaflow.messages.WorkerKind;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.UUID;

/**
 * Priority aging's SQL: the tasks that wait in their queue (of a queued or processing job, in its current run,
 * never started: no task row of that run yet, or one still {@code queued}), the AMQP priority of their latest
 * copy and since when that copy waits; and the record of each aging step.
 *
 * <p>A task waits since its latest aged copy was sent, else since its row last changed, else since the job was
 * queued (run 1) or last changed (a later run: {@code queued_at} stays that of the first run).
 */
@Repository
public class WaitingTasks {

    private static final String SELECT = """
            SELECT j.id, j.run, j.priority, j.operations, w.worker, a.level,
                   COALESCE(a.aged_at, t.updated_at, CASE WHEN j.run = 1 THEN j.queued_at ELSE j.updated_at END) AS since
            FROM jobs j
            CROSS JOIN (VALUES ('image'), ('vision')) AS w (worker)
            LEFT JOIN tasks t ON t.job_id = j.id AND t.worker = w.worker AND t.run = j.run
            LEFT JOIN task_aging a ON a.job_id = j.id AND a.worker = w.worker AND a.run = j.run
            WHERE j.status IN ('queued', 'processing') AND (t.job_id IS NULL OR t.status = 'queued')""";

    private final DatabaseClient db;

    public WaitingTasks(DatabaseClient db) {
        this.db = db;
    }

    /** Every waiting task whose latest copy was sent before {@code cutoff} and is below the top priority. */
    public Flux<WaitingTask> waitingSince(Instant cutoff) {
        return db.sql(SELECT + " AND COALESCE(a.aged_at, t.updated_at, CASE WHEN j.run = 1 THEN j.queued_at"
                        + " ELSE j.updated_at END) < :cutoff")
                .bind("cutoff", cutoff)
                .map(WaitingTasks::of).all()
                .filter(WaitingTask::expected)
                .filter(task -> task.level() < PriorityRule.AMQP_MAX_PRIORITY);
    }

    /** The same task again, under the job's lock (the caller holds it), to act only on what was seen. */
    public Mono<WaitingTask> current(UUID jobId, WorkerKind worker) {
        return db.sql(SELECT + " AND j.id = :id AND w.worker = :worker")
                .bind("id", jobId)
                .bind("worker", worker.json())
                .map(WaitingTasks::of).one()
                .filter(WaitingTask::expected);
    }

    /** Records that {@code task}'s copy at {@code level} was sent now. */
    public Mono<Long> aged(WaitingTask task, int level, Instant at) {
        return db.sql("""
                        INSERT INTO task_aging (job_id, worker, run, level, aged_at) VALUES (:id, :worker, :run, :level, :at)
                        ON CONFLICT (job_id, worker, run) DO UPDATE SET level = EXCLUDED.level, aged_at = EXCLUDED.aged_at""")
                .bind("id", task.jobId())
                .bind("worker", task.worker().json())
                .bind("run", task.run())
                .bind("level", level)
                .bind("at", at)
                .fetch().rowsUpdated();
    }

    /** Forgets the aging of tasks whose job no longer waits (finished, deleted, or run again). */
    public Mono<Long> forgetFinished() {
        return db.sql("""
                        DELETE FROM task_aging a WHERE NOT EXISTS (
                            SELECT 1 FROM jobs j WHERE j.id = a.job_id AND j.run = a.run AND j.status IN ('queued', 'processing'))""")
                .fetch().rowsUpdated();
    }

    private static WaitingTask of(Readable row) {
        int priority = row.get("priority", Integer.class);
        Integer level = row.get("level", Integer.class);
        return new WaitingTask(row.get("id", UUID.class), WorkerKind.fromJson(row.get("worker", String.class)),
                row.get("run", Integer.class), Operation.parseList(row.get("operations", String.class)),
                level != null ? level : PriorityRule.amqpPriority(priority), row.get("since", Instant.class));
    }
}
