package dev.mediaflow.queue.messaging;

import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.CorrelationId;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.items.JobActions;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.TaskQueues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The correlation id through queue-service: recorded from the upload's {@code job.submitted}, in the
 * log lines of the job's events, and on every task message the outbox sends.
 */
@ExtendWith(OutputCaptureExtension.class)
class TaskCorrelationTest extends ApiTest {

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    DatabaseClient db;
    @Autowired
    TaskOutbox outbox;
    @Autowired
    JobStore store;
    @Autowired
    TransactionalOperator tx;

    @Test
    void theUploadsIdIsRecordedWithTheJobAndEveryLineOfItsEventsCarriesItAndTheJobId(CapturedOutput output) {
        Events e = Events.allOperations(unique("owner")).correlation("upload-corr-5");
        JobEvent submitted = e.submitted();
        rabbit.send(Topology.EVENTS_EXCHANGE, submitted.routingKey(), AmqpMessages.event(submitted, "upload-corr-5"));
        JobEvent started = e.started(WorkerKind.IMAGE, 1, 1);
        rabbit.send(Topology.EVENTS_EXCHANGE, started.routingKey(), AmqpMessages.event(started, "upload-corr-5"));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(correlationIdOf(e.jobId)).isEqualTo("upload-corr-5");
            // written on an R2DBC thread inside the applier's chain: the ids came by context propagation
            assertThat(output.getOut().lines().filter(line -> line.contains("[upload-corr-5 " + e.jobId + "]")))
                    .anySatisfy(line -> assertThat(line).contains("Job " + e.jobId + " recorded"))
                    .anySatisfy(line -> assertThat(line).contains("queued -> processing"));
        });
    }

    @Test
    void aRetryRequestsTasksCarryItsIdAndTasksSentWithoutARequestCarryTheJobsOwn() {
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 1).correlation("upload-corr-6");
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.dead(WorkerKind.IMAGE, 1, "bad pixels", 2));

        as(e.owner, "user").post().uri("/api/queue/items/{id}/retry", e.jobId)
                .header(CorrelationId.HEADER, "retry-corr-1")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(CorrelationId.HEADER, "retry-corr-1");
        assertThat(CorrelationId.of(TaskQueues.receive(rabbit, WorkerKind.IMAGE, e.jobId))).contains("retry-corr-1");

        // what the lease sweeper does: no request, so the job's own id
        tx.transactional(store.findJob(e.jobId)
                        .flatMap(job -> store.findMediaItem(job.mediaItemId())
                                .flatMap(media -> outbox.add(JobActions.tasks(media, job)))))
                .block(WAIT);
        Message republished = TaskQueues.receive(rabbit, WorkerKind.IMAGE, e.jobId);
        assertThat(CorrelationId.of(republished)).contains("upload-corr-6");
    }

    @Test
    void anEnqueuedJobIsRecordedWithTheRequestsIdAndItsTasksCarryIt() {
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 1).correlation("upload-corr-7");
        apply(e.submitted());

        Map<?, ?> body = as(e.owner, "user").post().uri("/api/queue/enqueue/{id}", e.mediaItemId)
                .header(CorrelationId.HEADER, "enqueue-corr-1")
                .bodyValue(Map.of("operations", List.of("thumbnail")))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        UUID queueId = UUID.fromString((String) body.get("queueId"));

        assertThat(correlationIdOf(queueId)).isEqualTo("enqueue-corr-1");
        assertThat(CorrelationId.of(TaskQueues.receive(rabbit, WorkerKind.IMAGE, queueId))).contains("enqueue-corr-1");
    }

    private String correlationIdOf(UUID jobId) {
        return db.sql("SELECT correlation_id FROM jobs WHERE id = :id").bind("id", jobId)
                .map(row -> row.get("correlation_id", String.class)).one().block(WAIT);
    }
}
