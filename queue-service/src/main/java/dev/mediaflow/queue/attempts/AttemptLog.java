package dev.mediaflow.queue.attempts;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.messages.WorkerKind;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The {@code task_attempts} table: every attempt of every task, for the item's {@code attempts_log}. */
@Repository
public class AttemptLog {

    private static final String UPSERT = """
            INSERT INTO task_attempts (job_id, worker, run, attempt, started_at, ended_at, outcome, outcome_rank, error)
            VALUES (:jobId, :worker, :run, :attempt, :startedAt, :endedAt, :outcome, :rank, :error)
            ON CONFLICT (job_id, worker, run, attempt) DO UPDATE SET
                started_at = LEAST(task_attempts.started_at, excluded.started_at),
                ended_at = CASE WHEN excluded.outcome_rank > task_attempts.outcome_rank
                                THEN excluded.ended_at ELSE task_attempts.ended_at END,
                outcome = CASE WHEN excluded.outcome_rank > task_attempts.outcome_rank
                               THEN excluded.outcome ELSE task_attempts.outcome END,
                error = CASE WHEN excluded.outcome_rank > task_attempts.outcome_rank
                             THEN CASE WHEN excluded.outcome = 'succeeded' THEN NULL
                                       ELSE COALESCE(excluded.error, task_attempts.error) END
                             ELSE COALESCE(task_attempts.error, excluded.error) END,
                outcome_rank = GREATEST(task_attempts.outcome_rank, excluded.outcome_rank)""";

    private final DatabaseClient db;

    public AttemptLog(DatabaseClient db) {
        this.db = db;
    }

    /** Records what a task event says about its attempt; any order of the same events gives the same row. */
    public Mono<Void> record(JobEvent event) {
        AttemptOutcome outcome = AttemptOutcome.of(event.type());
        Instant startedAt = event.type() == EventType.TASK_STARTED ? event.at() : null;
        return upsert(event.jobId(), event.worker(), event.run(), event.attempt(), startedAt,
                outcome == null ? null : event.at(), outcome,
                outcome == AttemptOutcome.SUCCEEDED ? null : event.error());
    }

    /** An attempt that went silent past its lease. */
    public Mono<Void> lost(UUID jobId, WorkerKind worker, int run, int attempt, Instant at, String error) {
        return upsert(jobId, worker, run, attempt, null, at, AttemptOutcome.LOST, error);
    }

    private Mono<Void> upsert(UUID jobId, WorkerKind worker, int run, int attempt, Instant startedAt, Instant endedAt,
                              AttemptOutcome outcome, String error) {
        return db.sql(UPSERT)
                .bind("jobId", jobId)
                .bind("worker", worker.json())
                .bind("run", run)
                .bind("attempt", attempt)
                .bind("startedAt", Parameter.fromOrEmpty(startedAt, Instant.class))
                .bind("endedAt", Parameter.fromOrEmpty(endedAt, Instant.class))
                .bind("outcome", Parameter.fromOrEmpty(outcome == null ? null : outcome.json(), String.class))
                .bind("rank", outcome == null ? 0 : outcome.rank())
                .bind("error", Parameter.fromOrEmpty(error, String.class))
                .fetch().rowsUpdated().then();
    }

    /** The log of each job, oldest run first, then by kind and attempt. */
    public Mono<Map<UUID, List<QueueItem.Attempt>>> forJobs(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql("""
                        SELECT job_id, worker, run, attempt, started_at, ended_at, outcome, error FROM task_attempts
                        WHERE job_id IN (:ids) ORDER BY job_id, run, worker, attempt""")
                .bind("ids", List.copyOf(jobIds))
                .map(row -> Map.entry(row.get("job_id", UUID.class), new QueueItem.Attempt(
                        row.get("worker", String.class),
                        row.get("run", Integer.class),
                        row.get("attempt", Integer.class),
                        row.get("started_at", Instant.class),
                        row.get("ended_at", Instant.class),
                        row.get("outcome", String.class),
                        row.get("error", String.class))))
                .all()
                .collectMultimap(Map.Entry::getKey, Map.Entry::getValue)
                .map(m -> {
                    Map<UUID, List<QueueItem.Attempt>> result = new java.util.HashMap<>();
                    m.forEach((id, attempts) -> result.put(id, List.copyOf(attempts)));
                    return result;
                });
    }
}
