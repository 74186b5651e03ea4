package dev.mediaflow.queue.items;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.ApiTest;
import dev.mediaflow.queue.support.Events;
import dev.mediaflow.queue.support.TaskQueues;
import org.awaitility.core.ConditionEvaluationLogger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Defect 3 of issue 11: enqueue and retry used to publish inside the transaction, so a broker
 * that did not confirm rolled the row back while the messages stayed queued, and the run number
 * was used again. Now the change commits with its messages in the outbox, and they are published
 * once the broker confirms. The broker is made to nack with a full reject-publish queue bound to
 * every task routing key.
 */
class UnconfirmedPublishTest extends ApiTest {

    private static final Logger log = LoggerFactory.getLogger(UnconfirmedPublishTest.class);

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    RabbitAdmin admin;
    @Autowired
    DatabaseClient db;

    @Test
    void anEnqueueTheBrokerNacksIsKeptAndPublishedOnceTheBrokerConfirmsThenEndsCompleted() {
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 3);
        apply(e.submitted());

        UUID queueId;
        String refusing = refuseEveryTask();
        try {
            Map<String, Object> body = as(e.owner, "user").post().uri("/api/queue/enqueue/{id}", e.mediaItemId)
                    .bodyValue(Map.of("operations", List.of("thumbnail")))
                    .exchange()
                    .expectStatus().isAccepted()
                    .expectBody(Map.class).returnResult().getResponseBody();
            queueId = UUID.fromString((String) body.get("queueId"));
            assertThat(jobRow(queueId)).containsEntry("status", "queued").containsEntry("run", 1);
            // the broker nacks every round: the message stays in the outbox
            staysInTheOutbox(queueId);
        } finally {
            admin.deleteQueue(refusing);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(queueId) == 0);

        TaskMessage task = TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, queueId);
        assertThat(task.run()).isEqualTo(1);
        assertThat(task.attempt()).isEqualTo(1);
        apply(forJob(e.task(EventType.TASK_STARTED, WorkerKind.IMAGE, 1, 1, 1), queueId),
                forJob(e.imageSucceeded(1, 1, 2), queueId));
        as(e.owner, "user").get().uri("/api/queue/items/{id}", queueId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("completed");
    }

    @Test
    void aRetryTheBrokerNacksStartsANewRunThatIsNeverReusedAndEndsCompleted() {
        Events e = new Events(unique("owner"), List.of(Operation.THUMBNAIL), 1);
        apply(e.submitted(), e.started(WorkerKind.IMAGE, 1, 1), e.dead(WorkerKind.IMAGE, 1, "corrupt", 2));
        assertThat(jobRow(e.jobId)).containsEntry("status", "failed");

        String refusing = refuseEveryTask();
        try {
            as(e.owner, "user").post().uri("/api/queue/items/{id}/retry", e.jobId).exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.success").isEqualTo(true);
            assertThat(jobRow(e.jobId)).containsEntry("status", "queued").containsEntry("run", 2);
            staysInTheOutbox(e.jobId);
        } finally {
            admin.deleteQueue(refusing);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(e.jobId) == 0);

        // every copy the broker took (also those of nacked rounds) belongs to run 2
        TaskMessage task = TaskQueues.receiveTask(rabbit, WorkerKind.IMAGE, e.jobId);
        assertThat(task.run()).isEqualTo(2);
        apply(e.task(EventType.TASK_STARTED, WorkerKind.IMAGE, 2, 1, 10),
                e.imageSucceeded(2, 1, 11));
        assertThat(jobRow(e.jobId)).containsEntry("status", "completed").containsEntry("run", 2);

        // the next retry can only be refused (completed), so run 2 stays the last one used
        as(e.owner, "user").post().uri("/api/queue/items/{id}/retry", e.jobId).exchange()
                .expectStatus().isEqualTo(409);
    }

    /**
     * The job's one outbox row stays for 2.5 s while the broker nacks every round. Each reading goes to the test's log
     * with its time, and a failure names the count last read, so that a run that fails says whether the row went (a
     * publish confirmed), doubled (a second writer) or could not be read in time.
     */
    private void staysInTheOutbox(UUID jobId) {
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .conditionEvaluationListener(new ConditionEvaluationLogger(log::info))
                .untilAsserted(() -> assertThat(outboxRows(jobId)).as("outbox rows of job %s", jobId).isEqualTo(1));
    }

    /** A full queue that refuses new messages makes the broker nack every task it would get. */
    private String refuseEveryTask() {
        Queue refusing = QueueBuilder.nonDurable("outbox-test.refusing." + UUID.randomUUID())
                .maxLength(0).overflow(QueueBuilder.Overflow.rejectPublish).build();
        admin.declareQueue(refusing);
        admin.declareBinding(BindingBuilder.bind(refusing).to(new TopicExchange(Topology.TASKS_EXCHANGE)).with("task.#"));
        return refusing.getName();
    }

    private static JobEvent forJob(JobEvent v, UUID jobId) {
        return new JobEvent(v.eventId(), v.type(), jobId, v.mediaItemId(), v.owner(), v.worker(), v.run(), v.attempt(),
                v.maxAttempts(), v.at(), v.workerId(), v.progress(), v.error(), v.durationMs(), v.results(),
                v.submission());
    }

    private long outboxRows(UUID jobId) {
        return db.sql("SELECT count(*) FROM task_outbox WHERE job_id = :id").bind("id", jobId)
                .mapValue(Long.class).one().block(WAIT);
    }

    private Map<String, Object> jobRow(UUID jobId) {
        return db.sql("SELECT status, run FROM jobs WHERE id = :id").bind("id", jobId).fetch().one().block(WAIT);
    }
}
