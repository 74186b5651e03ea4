package dev.mediaflow.queue.counts;

import dev.mediaflow.queue.background.SubscribedLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Folds the job count deltas that the triggers on {@code jobs} append (migration V85) into {@code job_counts}, so
 * that a count reads a few rows per owner and project however many jobs there are. Every second: the deltas of a
 * second are a few rows per job that changed, so a reader never sums many. One statement moves them (deleted and
 * added in one snapshot, so a concurrent reader sees them in one place or the other, never both or neither), and
 * a transaction-scoped advisory lock lets one instance of queue-service at a time do it.
 */
@Component
public class JobCountCompactor extends SubscribedLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobCountCompactor.class);
    static final Duration EVERY = Duration.ofSeconds(1);
    /** The advisory lock key of the compaction (any constant that no other lock of queue-service uses). */
    static final long LOCK = 0x4a6f62436f756e74L;

    private final DatabaseClient db;

    public JobCountCompactor(DatabaseClient db) {
        this.db = db;
    }

    @Override
    protected Disposable subscribe() {
        return periodically(EVERY, this::compact, log, "job count compaction");
    }

    /** Moves every delta into the counts; the number of delta rows moved. */
    public Mono<Long> compact() {
        return db.sql("""
                        WITH lock AS (SELECT pg_try_advisory_xact_lock(:lock) AS got),
                        moved AS (DELETE FROM job_count_deltas WHERE (SELECT got FROM lock)
                                  RETURNING owner, project_id, status, delta),
                        summed AS (SELECT owner, project_id, status, sum(delta) AS n, count(*) AS rows FROM moved
                                   GROUP BY owner, project_id, status),
                        upserted AS (INSERT INTO job_counts AS c (owner, project_id, status, n)
                                     SELECT owner, project_id, status, n FROM summed
                                     ORDER BY owner, project_id, status
                                     ON CONFLICT ON CONSTRAINT job_counts_key DO UPDATE SET n = c.n + EXCLUDED.n)
                        SELECT COALESCE(sum(rows), 0)::bigint AS moved FROM summed""")
                .bind("lock", LOCK)
                .mapValue(Long.class)
                .one();
    }
}
