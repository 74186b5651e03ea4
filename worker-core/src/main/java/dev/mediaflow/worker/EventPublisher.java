package dev.mediaflow.worker;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.PriorityRule;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
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
        send(Topology.EVENTS_EXCHANGE, event.routingKey(), message(Json.write(event), null, event.jobId() + ":" + event.eventId()));
    }

    /** A task for a later attempt, into the wait queue of {@code routingKey} on {@code mediaflow.retry}. */
    public void publishRetry(TaskMessage task, String routingKey) {
        String id = task.jobId() + ":" + task.worker().json() + ":" + task.run() + ":" + task.attempt();
        send(Topology.RETRY_EXCHANGE, routingKey, message(Json.write(task), PriorityRule.amqpPriority(task.priority()), id));
    }

    private void send(String exchange, String routingKey, Message message) {
        rabbit.invoke(ops -> {
            ops.send(exchange, routingKey, message);
            ops.waitForConfirmsOrDie(timeout.toMillis());
            return null;
        });
    }

    private static Message message(byte[] body, Integer priority, String id) {
        MessageProperties props = new MessageProperties();
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        props.setMessageId(id);
        if (priority != null) {
            props.setPriority(priority);
        }
        return new Message(body, props);
    }
}
