package dev.mediaflow.queue.messaging;

import dev.mediaflow.queue.background.SubscribedLifecycle;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.queue.config.MediaflowProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The read side of the transactional outbox: sends committed task rows to RabbitMQ with
 * confirms and deletes each batch only once the broker confirmed all of it. A nack, a timeout
 * or a broker outage leaves the rows for the next round (woken by each commit, and every
 * {@code mediaflow.outbox-interval}), so a committed job is always published, at least once.
 * Rows are claimed with {@code SKIP LOCKED}, so several queue-service instances share the work.
 */
@Component
public class OutboxPublisher extends SubscribedLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final int BATCH = 100;

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final ConfirmedPublisher publisher;
    private final MediaflowProperties properties;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean wanted = new AtomicBoolean();
    private volatile boolean failing;

    public OutboxPublisher(DatabaseClient db, TransactionalOperator tx, ConfirmedPublisher publisher,
                           MediaflowProperties properties) {
        this.db = db;
        this.tx = tx;
        this.publisher = publisher;
        this.properties = properties;
    }

    /** Asks for a drain; drains that are asked for while one runs coalesce into one more. */
    public void wake() {
        wanted.set(true);
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        wanted.set(false);
        drainAll()
                .doFinally(signal -> {
                    draining.set(false);
                    if (wanted.get()) {
                        wake();
                    }
                })
                .subscribe(sent -> {
                    if (failing) {
                        log.info("The task outbox is publishing again");
                    }
                    failing = false;
                }, e -> {
                    if (!failing) {
                        log.warn("Task outbox not published, will retry: {}", e.toString());
                    }
                    failing = true;
                });
    }

    /** Publishes every committed row; returns how many were confirmed. */
    public Mono<Long> drainAll() {
        return drainBatch().expand(sent -> sent == BATCH ? drainBatch() : Mono.empty())
                .reduce(0L, Long::sum);
    }

    private Mono<Long> drainBatch() {
        Mono<Long> batch = db.sql("SELECT id, task, correlation_id, amqp_priority FROM task_outbox ORDER BY id LIMIT "
                        + BATCH + " FOR UPDATE SKIP LOCKED")
                .map(row -> new Row(row.get("id", Long.class), new OutgoingTask(
                        Json.read(row.get("task", String.class).getBytes(StandardCharsets.UTF_8), TaskMessage.class),
                        row.get("correlation_id", String.class), row.get("amqp_priority", Integer.class))))
                .all()
                .collectList()
                .flatMap(rows -> rows.isEmpty()
                        ? Mono.just(0L)
                        : publisher.publishTasks(rows.stream().map(Row::task).toList())
                        .then(db.sql("DELETE FROM task_outbox WHERE id IN (:ids)")
                                .bind("ids", rows.stream().map(Row::id).toList())
                                .fetch().rowsUpdated())
                        .thenReturn((long) rows.size()));
        return tx.transactional(batch);
    }

    @Override
    protected Disposable subscribe() {
        return Flux.interval(properties.outboxInterval(), properties.outboxInterval())
                .onBackpressureDrop()
                .subscribe(tick -> wake());
    }


    private record Row(long id, OutgoingTask task) {
    }

    /** For tests: how many rows wait. */
    public Mono<Long> pending() {
        return db.sql("SELECT count(*) FROM task_outbox").mapValue(Long.class).one();
    }
}
