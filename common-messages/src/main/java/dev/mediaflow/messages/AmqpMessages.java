package dev.mediaflow.messages;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * How every service puts a record on the wire: persistent JSON, tasks with their AMQP priority, and
 * the {@link CorrelationId} of the work in its header where there is one.
 */
public final class AmqpMessages {

    /**
     * Header of a task message that priority aging published again one AMQP priority higher: the priority it was
     * sent with (1..10). The first copy has none (copy 0). Every copy of one attempt is the same work, so a worker
     * runs whichever copy it gets first and drops the others ({@code AttemptClaims}).
     */
    public static final String COPY_HEADER = "x-mediaflow-copy";

    private AmqpMessages() {
    }

    /** The task again, as priority aging sends it: with {@code amqpPriority} and that number as its copy. */
    public static Message agedTask(TaskMessage task, String correlationId, int amqpPriority) {
        if (amqpPriority < 1 || amqpPriority > PriorityRule.AMQP_MAX_PRIORITY) {
            throw new IllegalArgumentException("an aged copy's AMQP priority is 1.." + PriorityRule.AMQP_MAX_PRIORITY
                    + ": " + amqpPriority);
        }
        Message message = task(task, correlationId);
        message.getMessageProperties().setPriority(amqpPriority);
        message.getMessageProperties().setHeader(COPY_HEADER, amqpPriority);
        return message;
    }

    /** Which copy of its task a message is: 0 for the first, else the AMQP priority aging sent it with. */
    public static int copyOf(Message message) {
        Object copy = message.getMessageProperties().getHeaders().get(COPY_HEADER);
        return copy instanceof Number number ? number.intValue() : 0;
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
