package dev.mediaflow.queue.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.Optional;

/**
 * Warns once at start when the PostgreSQL server runs without autovacuum. queue-service reads and writes each batch
 * of jobs by their ids; without the statistics autovacuum's ANALYZE keeps, the planner takes a table that grew from
 * empty for a few pages, and the plans cached for the prepared statements scan the whole table for every batch, a
 * cost that grows with the jobs (docs/performance.md, section 3, "Statistics"). Nothing else changes: the service
 * works either way, and a server whose setting cannot be read is left alone.
 */
@Component
public class AutovacuumCheck {

    private static final Logger log = LoggerFactory.getLogger(AutovacuumCheck.class);

    private final DatabaseClient db;

    public AutovacuumCheck(DatabaseClient db) {
        this.db = db;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void checkAtStart() {
        setting().map(AutovacuumCheck::warningFor)
                .subscribe(warning -> warning.ifPresent(log::warn),
                        e -> log.debug("Could not read PostgreSQL's autovacuum setting: {}", e.toString()));
    }

    /** The server's {@code autovacuum} setting, as {@code SHOW} gives it ({@code on} or {@code off}). */
    Mono<String> setting() {
        return db.sql("SHOW autovacuum").map(row -> row.get(0, String.class)).one();
    }

    /** The warning for a setting, if it calls for one. */
    static Optional<String> warningFor(String setting) {
        if (!"off".equalsIgnoreCase(setting)) {
            return Optional.empty();
        }
        return Optional.of("PostgreSQL runs with autovacuum = off: without fresh statistics, reads of job batches by id"
                + " scan whole tables as they grow. Turn autovacuum on, or run ANALYZE after loads"
                + " (docs/operations.md)");
    }
}
