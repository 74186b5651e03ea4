package dev.mediaflow.queue.attempts;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.messages.WorkerKind;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The {@code task_attempts} table: every attempt of every task, for the item's {@code attempts_log}. */
@Repository
public class AttemptLog {

    /** How an attempt's row takes one more of its events: the outcome of the highest rank wins. */
    private static final String MERGE = """
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
    private static final String UPSERT_ALL = """
            INSERT INTO task_attempts (job_id, worker, run, attempt, started_at, ended_at, outcome, outcome_rank, error)
            SELECT * FROM unnest(CAST(:jobIds AS uuid[]), CAST(:workers AS text[]), CAST(:runs AS int[]),
                                 CAST(:attempts AS int[]), CAST(:started AS timestamptz[]),
                                 CAST(:ended AS timestamptz[]), CAST(:outcomes AS text[]), CAST(:ranks AS int[]),
                                 CAST(:errors AS text[]))
            """ + MERGE;

    private final DatabaseClient db;

    public AttemptLog(DatabaseClient db) {
        this.db = db;
    }

    /** An attempt's row. */
    private record Attempt(UUID jobId, WorkerKind worker, int run, int attempt) {
    }

    /** What one event or the lease sweeper says about an attempt. */
    private record Entry(UUID jobId, WorkerKind worker, int run, int attempt, Instant startedAt, Instant endedAt,
                         AttemptOutcome outcome, String error) {

        static Entry of(JobEvent event) {
            AttemptOutcome outcome = AttemptOutcome.of(event.type());
            return new Entry(event.jobId(), event.worker(), event.run(), event.attempt(),
                    event.type() == EventType.TASK_STARTED ? event.at() : null, outcome == null ? null : event.at(),
                    outcome, outcome == AttemptOutcome.SUCCEEDED ? null : event.error());
        }

        Attempt row() {
            return new Attempt(jobId, worker, run, attempt);
        }

        int rank() {
            return outcome == null ? 0 : outcome.rank();
        }

        String outcomeJson() {
            return outcome == null ? null : outcome.json();
        }
    }

    /** Records what a task event says about its attempt; any order of the same events gives the same row. */
    public Mono<Void> record(JobEvent event) {
        return upsertAll(List.of(Entry.of(event)));
    }

    /**
     * {@link #record} for many task events, in their order, with one statement for all whatever their number, or as
     * many as the most events of one attempt among them: a statement may change a row only once, so an attempt's
     * n-th event goes into the n-th statement (an event batch's {@code task.started} and {@code task.succeeded} of
     * one attempt: two).
     */
    public Mono<Void> recordAll(List<JobEvent> events) {
        Map<Attempt, Integer> seen = new HashMap<>();
        List<List<Entry>> rounds = new ArrayList<>();
        for (JobEvent event : events) {
            Entry entry = Entry.of(event);
            int round = seen.merge(entry.row(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(entry);
        }
        return Flux.fromIterable(rounds).concatMap(this::upsertAll).then();
    }

    /** An attempt that went silent past its lease. */
    public Mono<Void> lost(UUID jobId, WorkerKind worker, int run, int attempt, Instant at, String error) {
        return upsertAll(List.of(new Entry(jobId, worker, run, attempt, null, at, AttemptOutcome.LOST, error)));
    }

    /** One statement for entries of different attempts (one entry, or a round of {@link #recordAll}). */
    private Mono<Void> upsertAll(List<Entry> entries) {
        return db.sql(UPSERT_ALL)
                .bind("jobIds", entries.stream().map(Entry::jobId).toArray(UUID[]::new))
                .bind("workers", entries.stream().map(e -> e.worker().json()).toArray(String[]::new))
                .bind("runs", entries.stream().map(Entry::run).toArray(Integer[]::new))
                .bind("attempts", entries.stream().map(Entry::attempt).toArray(Integer[]::new))
                .bind("started", entries.stream().map(Entry::startedAt).toArray(Instant[]::new))
                .bind("ended", entries.stream().map(Entry::endedAt).toArray(Instant[]::new))
                .bind("outcomes", entries.stream().map(Entry::outcomeJson).toArray(String[]::new))
                .bind("ranks", entries.stream().map(Entry::rank).toArray(Integer[]::new))
                .bind("errors", entries.stream().map(Entry::error).toArray(String[]::new))
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
                    Map<UUID, List<QueueItem.Attempt>> result = new HashMap<>();
                    m.forEach((id, attempts) -> result.put(id, List.copyOf(attempts)));
                    return result;
                });
    }
}
