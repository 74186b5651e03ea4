package dev.mediaflow.worker;

import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.time.Duration;

/** Publishes with publisher confirms: a method returns only once the broker has the message. */
public class EventPublisher {

    private final RabbitTemplate rabbit;
    private final Duration timeout;

    public EventPublisher(RabbitTemplate rabbit, Duration timeout) {
        this.rabbit = rabbit;
        this.timeout = timeout;
    }

    public void publish(JobEvent event) {
        send(Topology.EVENTS_EXCHANGE, event.routingKey(), AmqpMessages.event(event));
    }

    /** A task for a later attempt, into the wait queue of {@code routingKey} on {@code mediaflow.retry}. */
    public void publishRetry(TaskMessage task, String routingKey) {
        send(Topology.RETRY_EXCHANGE, routingKey, AmqpMessages.task(task));
    }

    private void send(String exchange, String routingKey, Message message) {
        rabbit.invoke(ops -> {
            ops.send(exchange, routingKey, message);
            ops.waitForConfirmsOrDie(timeout.toMillis());
            return null;
        });
    }
}
