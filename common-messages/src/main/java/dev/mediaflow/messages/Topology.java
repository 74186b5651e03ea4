package dev.mediaflow.messages;

import java.time.Duration;

/** Names of everything declared on RabbitMQ; see docs/api.md, "Messages on RabbitMQ". */
public final class Topology {

    public static final String TASKS_EXCHANGE = "mediaflow.tasks";
    public static final String RETRY_EXCHANGE = "mediaflow.retry";
    public static final String EVENTS_EXCHANGE = "mediaflow.events";
    public static final String CONTROL_EXCHANGE = "mediaflow.control";
    public static final String DLQ = "mediaflow.dlq";
    /** queue-service's durable subscription to every status event */
    public static final String EVENTS_QUEUE = "mediaflow.queue-service.events";
    /**
     * The events' parking lot: an event queue-service rejects (unreadable, or one that can never be
     * applied) dead-letters here through the default exchange instead of being dropped, so an
     * operator can read it and publish it again.
     */
    public static final String EVENTS_PARKED_QUEUE = "mediaflow.queue-service.events.parked";
    /** a task the worker rejects without retry (undecodable message, attempts used up) dead-letters here */
    public static final String DEAD_ROUTING_PATTERN = "task.*";

    private Topology() {
    }

    /** Wait queue of one retry tier for one worker kind, e.g. {@code mediaflow.retry.image.5s}. */
    public static String waitQueue(WorkerKind kind, Duration delay) {
        return RETRY_EXCHANGE + "." + kind.json() + "." + label(delay);
    }

    /** Routing key on {@link #RETRY_EXCHANGE} that reaches {@link #waitQueue}. */
    public static String waitRoutingKey(WorkerKind kind, Duration delay) {
        return "wait." + kind.json() + "." + label(delay);
    }

    static String label(Duration delay) {
        long ms = delay.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
