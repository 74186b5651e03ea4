package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
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
            ops.send(Topology.EVENTS_EXCHANGE, submitted.routingKey(), AmqpMessages.event(submitted));
            for (TaskMessage task : submission.tasks()) {
                ops.send(Topology.TASKS_EXCHANGE, task.worker().routingKey(), AmqpMessages.task(task));
            }
            ops.waitForConfirmsOrDie(confirmTimeoutMillis);
            return null;
        });
    }
}
