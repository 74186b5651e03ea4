package dev.mediaflow.queue.dead;

import dev.mediaflow.messages.WorkerKind;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The parking lot as users see it: the dead tasks of the current run of every failed job. The
 * record is PostgreSQL, not {@code mediaflow.dlq}: the broker queue holds only the messages the
 * workers rejected, while a task can also die without a message (its lease ran out).
 */
@Repository
public class ParkingLot {

    private static final String PARKED = """
            FROM tasks t JOIN jobs j ON j.id = t.job_id AND j.run = t.run
            WHERE t.status = 'dead' AND j.status = 'failed'""";

    private final DatabaseClient db;

    public ParkingLot(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Long> count() {
        return db.sql("SELECT count(*) " + PARKED).mapValue(Long.class).one();
    }

    /** Newest first. */
    public Flux<DeadTask> list(int limit, int offset) {
        return db.sql("SELECT t.job_id, t.worker, t.attempt, t.last_error, t.finished_at " + PARKED
                        + " ORDER BY t.finished_at DESC NULLS LAST, t.job_id, t.worker LIMIT :limit OFFSET :offset")
                .bind("limit", limit)
                .bind("offset", offset)
                .map(row -> new DeadTask(row.get("job_id", UUID.class),
                        WorkerKind.fromJson(row.get("worker", String.class)).json(),
                        row.get("attempt", Integer.class),
                        row.get("last_error", String.class),
                        row.get("finished_at", Instant.class)))
                .all();
    }

    /** Which of these jobs have a task in the parking lot. */
    public Flux<UUID> parkedAmong(Collection<UUID> jobIds) {
        return db.sql("SELECT DISTINCT t.job_id " + PARKED + " AND t.job_id IN (:ids)")
                .bind("ids", List.copyOf(jobIds))
                .mapValue(UUID.class)
                .all();
    }

    /** Every job with a task in the parking lot, oldest death first. */
    public Flux<UUID> allParkedJobs() {
        return db.sql("SELECT t.job_id, min(t.finished_at) AS dead_at " + PARKED
                        + " GROUP BY t.job_id ORDER BY dead_at NULLS FIRST, t.job_id")
                .map(row -> row.get("job_id", UUID.class))
                .all();
    }
}
