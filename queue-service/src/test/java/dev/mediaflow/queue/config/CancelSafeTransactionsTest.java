package dev.mediaflow.queue.config;

import dev.mediaflow.testsupport.PostgresDatabase;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transactions cancelled at any moment of their life, on a real PostgreSQL through a real pool of three
 * connections: none is lost to the pool and none is left open (Spring's own operator lost the connection of a
 * transaction cancelled while it began: {@link CancelSafeTransactions}).
 */
class CancelSafeTransactionsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static PostgresDatabase database;
    private static ConnectionPool pool;
    private static DatabaseClient db;
    private static TransactionalOperator tx;

    @BeforeAll
    static void database() {
        database = PostgresDatabase.create("mediaflow_cancel_tx_test");
        pool = new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(
                        "r2dbc:postgresql://" + PostgresDatabase.USER + ":" + PostgresDatabase.PASSWORD
                                + "@127.0.0.1:5432/" + database.name()))
                .initialSize(0).maxSize(3).build());
        db = DatabaseClient.create(pool);
        tx = new CancelSafeTransactions(TransactionalOperator.create(new R2dbcTransactionManager(pool)));
        db.sql("CREATE TABLE marks (id int PRIMARY KEY)").then().block(WAIT);
    }

    @AfterAll
    static void drop() {
        if (pool != null) {
            pool.disposeLater().block(WAIT);
        }
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void empty() {
        db.sql("DELETE FROM marks").then().block(WAIT);
    }

    @Test
    void transactionsCancelledAtAnyMomentLoseNoConnectionAndLeaveNoneOpen() {
        // ten callers at a time on three connections: each cancelled at any moment of its life, from waiting for a
        // connection, through the pool handing one over, BEGIN and the query, to COMMIT
        for (int round = 0; round < 800; round++) {
            List<Disposable> callers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                callers.add(tx.transactional(db.sql("SELECT pg_sleep(0.002)").then()).subscribe());
            }
            for (Disposable caller : callers) {
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(400_000));
                caller.dispose();
            }
        }

        awaitAllConnectionsBack();
        assertThat(db.sql("SELECT count(*) AS open FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND state LIKE 'idle in transaction%'")
                .map(row -> row.get("open", Long.class)).one().block(WAIT))
                .as("sessions left in a transaction").isZero();
        // each of the pool's connections, taken at once: none runs inside a transaction left over
        assertThat(Mono.zip(outsideATransaction(), outsideATransaction(), outsideATransaction())
                .map(all -> all.getT1() && all.getT2() && all.getT3()).block(WAIT)).isTrue();
    }

    @Test
    void aCancelledTransactionGoesOnToItsCommit() {
        Disposable caller = tx.transactional(Mono.delay(Duration.ofMillis(300))
                        .then(db.sql("INSERT INTO marks VALUES (1)").then()))
                .subscribe();
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        caller.dispose();

        Instant deadline = Instant.now().plus(WAIT);
        while (marks() == 0 && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        assertThat(marks()).as("the row the cancelled caller's transaction wrote").isEqualTo(1);
        awaitAllConnectionsBack();
    }

    @Test
    void aFailingTransactionRollsBackAndHandsOnItsOwnError() {
        db.sql("INSERT INTO marks VALUES (7)").then().block(WAIT);
        Mono<Void> twoRows = db.sql("INSERT INTO marks VALUES (8)").then()
                .then(db.sql("INSERT INTO marks VALUES (7)").then());

        assertThatThrownBy(() -> tx.transactional(twoRows).block(WAIT))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(marks()).as("8 rolled back with the duplicate 7").isEqualTo(1);
        awaitAllConnectionsBack();
    }

    @Test
    void theCallersContextReachesTheTransactionAndEmptinessComesBack() {
        String seen = tx.transactional(Mono.deferContextual(context -> Mono.just(context.<String>get("who"))))
                .contextWrite(context -> context.put("who", "event 42"))
                .block(WAIT);
        assertThat(seen).isEqualTo("event 42");
        assertThat(tx.transactional(Mono.<String>empty()).blockOptional(WAIT)).isEmpty();
        assertThat(tx.transactional(db.sql("SELECT id FROM marks").map(row -> row.get("id", Integer.class)).all())
                .collectList().block(WAIT)).isEmpty();
    }

    private static Mono<Boolean> outsideATransaction() {
        // in a transaction that began earlier, now() (its start) is older than this statement's own time
        return db.sql("SELECT now() = statement_timestamp() AS fresh, pg_sleep(0.2)")
                .map(row -> row.get("fresh", Boolean.class)).one();
    }

    private static long marks() {
        return db.sql("SELECT count(*) AS n FROM marks").map(row -> row.get("n", Long.class)).one().block(WAIT);
    }

    private static void awaitAllConnectionsBack() {
        Instant deadline = Instant.now().plus(WAIT);
        while (pool.getMetrics().orElseThrow().acquiredSize() > 0 && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        assertThat(pool.getMetrics().orElseThrow().acquiredSize()).as("connections checked out of the pool").isZero();
    }
}
