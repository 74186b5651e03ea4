package dev.mediaflow.queue.lease;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.job.TaskStatus;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The lease sweeper's SQL: the expected tasks of unfinished jobs, and heartbeat renewals. */
@Repository
public class SilentTasks {

    private static final String SELECT = """
            SELECT j.id, j.run, j.max_attempts, j.operations, j.updated_at AS job_at,
                   t.worker, t.attempt, t.status, t.updated_at AS task_at
            FROM jobs j LEFT JOIN tasks t ON t.job_id = j.id AND t.run = j.run
            WHERE j.status IN ('queued', 'processing')""";
    /**
     * Only the jobs that may have a task past its lease: a task without a row yet is as old as its job and has the
     * queued lease ({@link SilentTask#lease}), a queued row the queued lease, any other unfinished row at least the
     * task lease. A superset of what {@link SilentTask#pastLease} then decides, with all the rows of each job.
     */
    private static final String MAY_BE_PAST_LEASE = SELECT + """

              AND (j.updated_at <= :queuedSince
                   OR EXISTS (SELECT 1 FROM tasks s WHERE s.job_id = j.id AND s.run = j.run
                              AND s.status NOT IN ('succeeded', 'dead', 'cancelled')
                              AND s.updated_at <= CASE WHEN s.status = 'queued' THEN :queuedSince
                                                       ELSE :startedSince END))""";

    private final DatabaseClient db;
    private final Duration taskLease;
    private final Duration queuedLease;
    private final List<Duration> retryDelays;

    public SilentTasks(DatabaseClient db, MediaflowProperties properties) {
        this.db = db;
        this.taskLease = properties.taskLease();
        this.queuedLease = properties.queuedLease();
        this.retryDelays = properties.retryDelayList();
    }

    /**
     * Every expected, not yet final task of an unfinished job that is silent past its lease at {@code now}
     * ({@link SilentTask#pastLease}): what the lease sweeper takes back and the past-lease gauge counts.
     */
    public Flux<SilentTask> pastLease(Instant now) {
        return mayBePastLease(now).filter(task -> task.pastLease(now, taskLease, queuedLease, retryDelays));
    }

    /**
     * Every expected, not yet final task of every unfinished job that may be silent past its lease at {@code now}
     * (and of such a job, all of them). Only those jobs are read: reading every queued job's tasks, every 15 s for
     * the gauge and every 30 s for the sweep, cost queue-service CPU in proportion to the backlog (its rows alone 9 %
     * of the samples behind 16,000 queued uploads, docs/performance.md section 2), where a backlog younger than the
     * queued lease has nothing past it.
     */
    Flux<SilentTask> mayBePastLease(Instant now) {
        return db.sql(MAY_BE_PAST_LEASE)
                .bind("queuedSince", now.minus(queuedLease))
                .bind("startedSince", now.minus(taskLease))
                .map(Row::of).all()
                .collectMultimap(Row::jobId)
                .flatMapIterable(byJob -> {
                    List<SilentTask> tasks = new ArrayList<>();
                    byJob.values().forEach(rows -> tasks.addAll(expected(rows)));
                    return tasks;
                });
    }

    /** The same task again, under the job's lock (the caller holds it), to act only on what was seen. */
    public Mono<SilentTask> current(UUID jobId, WorkerKind worker) {
        return db.sql(SELECT + " AND j.id = :id").bind("id", jobId).map(Row::of).all()
                .collectList()
                .flatMapIterable(SilentTasks::expected)
                .filter(t -> t.worker() == worker)
                .next();
    }

    /** A worker's heartbeat names these jobs: their tasks of that kind are alive. */
    public Mono<Long> renew(WorkerKind worker, Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("""
                        UPDATE tasks t SET updated_at = now() FROM jobs j
                        WHERE t.job_id = j.id AND t.run = j.run AND t.worker = :worker AND t.job_id IN (:ids)
                          AND j.status IN ('queued', 'processing')
                          AND t.status NOT IN ('succeeded', 'dead', 'cancelled')""")
                .bind("worker", worker.json())
                .bind("ids", List.copyOf(jobIds))
                .fetch().rowsUpdated();
    }

    private static List<SilentTask> expected(Collection<Row> rows) {
        Row first = rows.iterator().next();
        Map<WorkerKind, Row> byWorker = new LinkedHashMap<>();
        rows.forEach(r -> {
            if (r.worker() != null) {
                byWorker.put(r.worker(), r);
            }
        });
        List<SilentTask> tasks = new ArrayList<>();
        for (WorkerKind kind : Operation.workersFor(first.operations())) {
            Row r = byWorker.get(kind);
            if (r == null) {
                tasks.add(new SilentTask(first.jobId(), kind, first.run(), first.maxAttempts(), null, 0, first.jobAt()));
            } else if (!r.status().isFinal()) {
                tasks.add(new SilentTask(first.jobId(), kind, first.run(), first.maxAttempts(), r.status(), r.attempt(),
                        r.taskAt()));
            }
        }
        return tasks;
    }

    private record Row(UUID jobId, int run, int maxAttempts, List<Operation> operations, Instant jobAt,
                       WorkerKind worker, int attempt, TaskStatus status, Instant taskAt) {

        static Row of(Readable row) {
            String worker = row.get("worker", String.class);
            return new Row(row.get("id", UUID.class), row.get("run", Integer.class),
                    row.get("max_attempts", Integer.class), Operation.parseList(row.get("operations", String.class)),
                    row.get("job_at", Instant.class),
                    worker == null ? null : WorkerKind.fromJson(worker),
                    worker == null ? 0 : row.get("attempt", Integer.class),
                    worker == null ? null : TaskStatus.fromDb(row.get("status", String.class)),
                    row.get("task_at", Instant.class));
        }
    }
}
