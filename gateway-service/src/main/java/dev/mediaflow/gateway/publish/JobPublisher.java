package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.ConfirmedSender;
import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * Publishes a job: its {@code job.submitted} event and one task per worker kind, all on one channel,
 * then waits for the broker's confirms; all {@code mandatory}, so a message no queue takes fails the
 * publish (the job then stays in the spool) instead of vanishing. Every message carries the job's
 * correlation id in its header, so queue-service and the workers log the request's id with their work,
 * and, with tracing on, the upload's trace ({@link ConfirmedSender}), so the worker's span joins it.
 * Blocking: call it off the event loop.
 */
@Component
public class JobPublisher {

    private final ConfirmedSender sender;

    public JobPublisher(RabbitTemplate rabbit, GatewayProperties properties,
                        ObjectProvider<ObservationRegistry> observations) {
        this.sender = new ConfirmedSender(rabbit, properties.publishTimeout(),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /** Returns normally only when every message is confirmed; throws otherwise. */
    public void publish(JobSubmission submission) {
        send(submission, false);
    }

    /**
     * A job cancelled while it was pending: its {@code job.submitted} and a {@code task.cancelled}
     * for each of its tasks, and no work. queue-service applies events in any order, so the job is
     * recorded as cancelled; no worker ever sees it.
     */
    public void publishCancelled(JobSubmission submission) {
        send(submission, true);
    }

    private void send(JobSubmission submission, boolean cancelled) {
        JobEvent submitted = JobEvent.submitted(submission);
        List<ConfirmedSender.Outgoing> messages = new ArrayList<>();
        messages.add(ConfirmedSender.Outgoing.routed(Topology.EVENTS_EXCHANGE, submitted.routingKey(),
                AmqpMessages.event(submitted, submission.correlationId())));
        for (TaskMessage task : submission.tasks()) {
            if (cancelled) {
                JobEvent cancel = JobEvent.forTask(EventType.TASK_CANCELLED, task, "gateway");
                messages.add(ConfirmedSender.Outgoing.routed(Topology.EVENTS_EXCHANGE, cancel.routingKey(),
                        AmqpMessages.event(cancel, submission.correlationId())));
            } else {
                messages.add(ConfirmedSender.Outgoing.routed(Topology.TASKS_EXCHANGE, task.worker().routingKey(),
                        AmqpMessages.task(task, submission.correlationId())));
            }
        }
        sender.send(messages);
    }
}
