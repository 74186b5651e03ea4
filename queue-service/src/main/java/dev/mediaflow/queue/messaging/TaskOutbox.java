package dev.mediaflow.queue.messaging;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.observability.RequestCorrelation;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The write side of the transactional outbox: task messages become rows of the caller's
 * transaction, so they exist exactly when the job change that calls for them is committed.
 * Publishing inside the transaction was wrong both ways: a confirm timeout rolled the row back
 * while the message stayed queued, and the run number was then used again.
 */
@Repository
public class TaskOutbox {

    private final DatabaseClient db;
    private final OutboxPublisher publisher;

    public TaskOutbox(DatabaseClient db, OutboxPublisher publisher) {
        this.db = db;
        this.publisher = publisher;
    }

    /**
     * Must run inside a transaction; the publisher is woken once it commits. Each row keeps the
     * correlation id its message is to carry: that of the HTTP request asking for the work (a retry, a
     * replay, an enqueue), else the one the job was created with (a lease republish has no request),
     * so the worker's log lines for it can be found from the request or from the upload.
     */
    public Mono<Void> add(List<TaskMessage> tasks) {
        return add(tasks, null);
    }

    /** {@link #add(List)} for copies that priority aging sends with {@code agedPriority} (null: the job's own). */
    public Mono<Void> add(List<TaskMessage> tasks, Integer agedPriority) {
        if (tasks.isEmpty()) {
            return Mono.empty();
        }
        return RequestCorrelation.current()
                .flatMap(request -> insert(tasks, request.orElse(null), agedPriority))
                .then(TransactionSynchronizationManager.forCurrentTransaction())
                .doOnNext(sync -> sync.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public Mono<Void> afterCommit() {
                        return Mono.fromRunnable(publisher::wake);
                    }
                }))
                .then();
    }

    /** All the rows in one statement, in the order of {@code tasks} (the publisher sends them in id order). */
    private Mono<Long> insert(List<TaskMessage> tasks, String requestCorrelationId, Integer agedPriority) {
        return db.sql("""
                        INSERT INTO task_outbox (job_id, task, correlation_id, amqp_priority)
                        SELECT t.job_id, t.task,
                               COALESCE(CAST(:requested AS text), (SELECT correlation_id FROM jobs WHERE id = t.job_id)),
                               CAST(:agedPriority AS integer)
                        FROM unnest(CAST(:jobIds AS uuid[]), CAST(:tasks AS text[])) WITH ORDINALITY AS t (job_id, task, n)
                        ORDER BY t.n""")
                .bind("jobIds", tasks.stream().map(TaskMessage::jobId).toArray(UUID[]::new))
                .bind("tasks", tasks.stream().map(task -> new String(Json.write(task), StandardCharsets.UTF_8))
                        .toArray(String[]::new))
                .bind("agedPriority", Parameter.fromOrEmpty(agedPriority, Integer.class))
                .bind("requested", Parameter.fromOrEmpty(requestCorrelationId, String.class))
                .fetch().rowsUpdated();
    }
}
