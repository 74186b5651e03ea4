package dev.mediaflow.queue.support;

import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.util.UUID;

/**
 * A trigger that makes PostgreSQL refuse some rows of one table until {@link #close()}: how a test makes an event
 * fail half way through its transaction, after some of its writes succeeded. The SQLSTATE decides what the service
 * sees: {@code 23514} (check_violation) is a constraint the event violates, so it can never apply; {@code P0001}
 * (a plain RAISE) stands for any other failure, e.g. the database going away.
 */
public final class DatabaseRefusal implements AutoCloseable {

    /** A constraint violation: the event can never apply. */
    public static final String CONSTRAINT = "23514";
    /** Any other failure: the event may apply later. */
    public static final String OTHER = "P0001";

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DatabaseClient db;
    private final String name;
    private final String table;

    private DatabaseRefusal(DatabaseClient db, String name, String table) {
        this.db = db;
        this.name = name;
        this.table = table;
    }

    /**
     * Refuses each row inserted or updated into {@code table} for which {@code condition} (over {@code NEW}) holds,
     * with {@code message} and {@code sqlState}.
     */
    public static DatabaseRefusal of(DatabaseClient db, String table, String condition, String sqlState,
                                     String message) {
        String name = "refuse_in_test_" + UUID.randomUUID().toString().replace("-", "");
        db.sql("""
                CREATE FUNCTION %s() RETURNS trigger AS $$
                BEGIN
                    IF %s THEN RAISE EXCEPTION '%s' USING ERRCODE = '%s'; END IF;
                    RETURN NEW;
                END $$ LANGUAGE plpgsql""".formatted(name, condition, message, sqlState)).then().block(WAIT);
        db.sql("CREATE TRIGGER %s BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s()"
                .formatted(name, table, name)).then().block(WAIT);
        return new DatabaseRefusal(db, name, table);
    }

    @Override
    public void close() {
        db.sql("DROP TRIGGER %s ON %s".formatted(name, table)).then().block(WAIT);
        db.sql("DROP FUNCTION %s()".formatted(name)).then().block(WAIT);
    }
}
