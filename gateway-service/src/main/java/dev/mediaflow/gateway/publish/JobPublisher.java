package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.PriorityRule;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes a job: its {@code job.submitted} event and one task per worker kind, all on one channel,
 * then waits for the broker's confirms. Blocking: call it off the event loop.
 */
@Component
public class JobPublisher {

    private final RabbitTemplate rabbit;
    private final long confirmTimeoutMillis;

    public JobPublisher(RabbitTemplate rabbit, GatewayProperties properties) {
        this.rabbit = rabbit;
        this.confirmTimeoutMillis = properties.publishTimeout().toMillis();
    }

    /** Returns normally only when every message is confirmed; throws otherwise. */
    public void publish(JobSubmission submission) {
        JobEvent submitted = JobEvent.submitted(submission);
        rabbit.invoke(ops -> {
            ops.send(Topology.EVENTS_EXCHANGE, submitted.routingKey(),
                    json(submitted, submission.jobId() + ":submitted", null));
            for (TaskMessage task : submission.tasks()) {
                ops.send(Topology.TASKS_EXCHANGE, task.worker().routingKey(),
                        json(task, task.jobId() + ":" + task.worker().json() + ":" + task.run(),
                                PriorityRule.amqpPriority(task.priority())));
            }
            ops.waitForConfirmsOrDie(confirmTimeoutMillis);
            return null;
        });
    }

    private static Message json(Object body, String messageId, Integer priority) {
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
