package dev.mediaflow.messages;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * How every service puts a record on the wire: persistent JSON, tasks with their AMQP priority, and
 * the {@link CorrelationId} of the work in its header where there is one.
 */
public final class AmqpMessages {

    private AmqpMessages() {
    }

    public static Message task(TaskMessage task) {
        return task(task, null);
    }

    /** @param correlationId the {@link CorrelationId} of the work, or null for none */
    public static Message task(TaskMessage task, String correlationId) {
        return CorrelationId.stamp(json(task, task.jobId() + ":" + task.worker().json() + ":" + task.run() + ":"
                + task.attempt(), PriorityRule.amqpPriority(task.priority())), correlationId);
    }

    public static Message event(JobEvent event) {
        return event(event, null);
    }

    /** @param correlationId the {@link CorrelationId} of the work, or null for none */
    public static Message event(JobEvent event, String correlationId) {
        return CorrelationId.stamp(json(event, event.jobId() + ":" + event.eventId(), null), correlationId);
    }

    /** @param priority AMQP priority, or null for none */
    public static Message json(Object body, String messageId, Integer priority) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding("utf-8");
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setMessageId(messageId);
        if (priority != null) {
            properties.setPriority(priority);
        }
        return new Message(Json.write(body), properties);
    }
}
