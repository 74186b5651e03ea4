package dev.mediaflow.queue.messaging;

import dev.mediaflow.messages.ControlCommand;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.UnroutableMessageException;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A task that no queue takes is a failed publish; a pause that no worker hears is not. */
class ConfirmedPublisherTest extends IntegrationTest {

    @Autowired
    ConfirmedPublisher publisher;
    @Autowired
    RabbitAdmin admin;

    @Test
    void anUnroutableTaskFailsThePublishAndAnUnheardPauseDoesNot() {
        UUID media = UUID.randomUUID();
        TaskMessage task = new TaskMessage(UUID.randomUUID(), media, "alice", MediaType.PHOTO, WorkerKind.IMAGE,
                "uploads/alice/" + media + ".jpg", "processed/alice/" + media, List.of(Operation.THUMBNAIL), 5, 1, 1, 3,
                "00", Instant.now());
        Binding imageBinding = BindingBuilder.bind(new Queue(WorkerKind.IMAGE.queue()))
                .to(new TopicExchange(Topology.TASKS_EXCHANGE)).with(WorkerKind.IMAGE.routingKey());
        admin.removeBinding(imageBinding);
        try {
            assertThatThrownBy(() -> publisher.publishTasks(List.of(new OutgoingTask(task, null))).block(Duration.ofSeconds(10)))
                    .isInstanceOf(BrokerUnavailableException.class)
                    .hasCauseInstanceOf(UnroutableMessageException.class);
        } finally {
            admin.declareBinding(imageBinding);
        }
        assertThatCode(() -> publisher.publishTasks(List.of(new OutgoingTask(task, null))).block(Duration.ofSeconds(10))).doesNotThrowAnyException();
        // no worker runs in this test: the control exchange has no queue bound
        assertThatCode(() -> publisher.publishControl(new ControlCommand(ControlCommand.Action.PAUSE, "test", Instant.now()))
                .block(Duration.ofSeconds(10))).doesNotThrowAnyException();
    }
}
