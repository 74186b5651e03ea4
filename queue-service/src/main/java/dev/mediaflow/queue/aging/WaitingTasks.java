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
import java.util.Collection;
import java.util.List;
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

    /**
     * Every waiting task whose latest copy was sent before {@code cutoff} and is below the top priority. A task
     * never aged is always below it (the priority rule gives at most {@code AMQP_MAX_PRIORITY - 1}), so the tasks
     * already at the top are left out by the statement: a long backlog that reached the top is not read again
     * every pass.
     */
    public Flux<WaitingTask> waitingSince(Instant cutoff) {
        return db.sql(SELECT + " AND COALESCE(a.aged_at, t.updated_at, CASE WHEN j.run = 1 THEN j.queued_at"
                        + " ELSE j.updated_at END) < :cutoff AND (a.level IS NULL OR a.level < :top)")
                .bind("cutoff", cutoff)
                .bind("top", PriorityRule.AMQP_MAX_PRIORITY)
                .map(WaitingTasks::of).all()
                .filter(WaitingTask::expected);
    }

    /**
     * The waiting tasks of these jobs again, under their locks (the caller holds them), to act only on what was
     * seen: one read for a page of jobs.
     */
    public Flux<WaitingTask> current(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Flux.empty();
        }
        return db.sql(SELECT + " AND j.id IN (:ids)")
                .bind("ids", List.copyOf(jobIds))
                .map(WaitingTasks::of).all()
                .filter(WaitingTask::expected);
    }

    /** Records that a copy of each of {@code tasks} was sent at {@code at}, one AMQP priority above its level. */
    public Mono<Long> aged(List<WaitingTask> tasks, Instant at) {
        if (tasks.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("""
                        INSERT INTO task_aging (job_id, worker, run, level, aged_at)
                        SELECT t.job_id, t.worker, t.run, t.level, CAST(:at AS timestamptz)
                        FROM unnest(CAST(:ids AS uuid[]), CAST(:workers AS text[]), CAST(:runs AS int[]),
                                    CAST(:levels AS int[])) AS t (job_id, worker, run, level)
                        ON CONFLICT (job_id, worker, run) DO UPDATE SET level = EXCLUDED.level, aged_at = EXCLUDED.aged_at""")
                .bind("ids", tasks.stream().map(WaitingTask::jobId).toArray(UUID[]::new))
                .bind("workers", tasks.stream().map(t -> t.worker().json()).toArray(String[]::new))
                .bind("runs", tasks.stream().map(WaitingTask::run).toArray(Integer[]::new))
                .bind("levels", tasks.stream().map(t -> t.level() + 1).toArray(Integer[]::new))
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
