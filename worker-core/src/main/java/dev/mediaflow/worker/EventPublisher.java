package dev.mediaflow.worker;

import dev.mediaflow.messages.AmqpMessages;
import dev.mediaflow.messages.ConfirmedSender;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.observability.LogContext;

/**
 * Publishes with publisher confirms and {@code mandatory}: a method returns only once the broker has
 * the message in a queue. Any failure (broker down, no confirm, unroutable) is an
 * {@link InfrastructureException}, so the task in hand goes back to its queue instead of failing.
 *
 * <p>Every message carries the correlation id of the task in hand, which {@link TaskListener} put in
 * MDC for the delivery: events and retries are only ever published from the task's own thread, and
 * so queue-service logs the events under the id of the upload that caused them.
 */
public class EventPublisher {

    private final ConfirmedSender sender;

    public EventPublisher(ConfirmedSender sender) {
        this.sender = sender;
    }

    public void publish(JobEvent event) {
        send(ConfirmedSender.Outgoing.routed(Topology.EVENTS_EXCHANGE, event.routingKey(), AmqpMessages.event(event, correlationId())),
                event.routingKey() + " event");
    }

    /** A task for a later attempt, into the wait queue of {@code routingKey} on {@code mediaflow.retry}. */
    public void publishRetry(TaskMessage task, String routingKey) {
        send(ConfirmedSender.Outgoing.routed(Topology.RETRY_EXCHANGE, routingKey, AmqpMessages.task(task, correlationId())),
                "retry of attempt " + task.attempt());
    }

    private static String correlationId() {
        return LogContext.correlationId().orElse(null);
    }

    private void send(ConfirmedSender.Outgoing message, String what) {
        try {
            sender.send(message);
        } catch (RuntimeException e) {
            throw new InfrastructureException("RabbitMQ did not take the " + what, e);
        }
    }
}
