package dev.mediaflow.queue.messaging;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.TaskMessage;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.List;

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

    /** Must run inside a transaction; the publisher is woken once it commits. */
    public Mono<Void> add(List<TaskMessage> tasks) {
        return Flux.fromIterable(tasks)
                .concatMap(task -> db.sql("INSERT INTO task_outbox (job_id, task) VALUES (:jobId, :task)")
                        .bind("jobId", task.jobId())
                        .bind("task", new String(Json.write(task), StandardCharsets.UTF_8))
                        .fetch().rowsUpdated())
                .then(TransactionSynchronizationManager.forCurrentTransaction())
                .doOnNext(sync -> sync.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public Mono<Void> afterCommit() {
                        return Mono.fromRunnable(publisher::wake);
                    }
                }))
                .then();
    }
}
