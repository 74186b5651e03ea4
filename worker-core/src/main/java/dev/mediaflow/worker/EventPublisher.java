package dev.mediaflow.worker;

import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.ConfirmedSender;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;

/**
 * Publishes with publisher confirms and {@code mandatory}: a method returns only once the broker has
 * the message in a queue. Any failure (broker down, no confirm, unroutable) is an
 * {@link InfrastructureException}, so the task in hand goes back to its queue instead of failing.
 */
public class EventPublisher {

    private final ConfirmedSender sender;

    public EventPublisher(ConfirmedSender sender) {
        this.sender = sender;
    }

    public void publish(JobEvent event) {
        send(ConfirmedSender.Outgoing.routed(Topology.EVENTS_EXCHANGE, event.routingKey(), AmqpMessages.event(event)),
                event.routingKey() + " event");
    }

    /** A task for a later attempt, into the wait queue of {@code routingKey} on {@code mediaflow.retry}. */
    public void publishRetry(TaskMessage task, String routingKey) {
        send(ConfirmedSender.Outgoing.routed(Topology.RETRY_EXCHANGE, routingKey, AmqpMessages.task(task)),
                "retry of attempt " + task.attempt());
    }

    private void send(ConfirmedSender.Outgoing message, String what) {
        try {
            sender.send(message);
        } catch (RuntimeException e) {
            throw new InfrastructureException("RabbitMQ did not take the " + what, e);
        }
    }
}
