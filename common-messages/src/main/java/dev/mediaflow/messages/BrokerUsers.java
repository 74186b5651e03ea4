package dev.mediaflow.messages;

import java.util.List;

/**
 * One RabbitMQ user per service, each with only the permissions it needs (issue 12, section 2), so a leaked
 * password of one service cannot read another's queue. Every service declares the whole topology at start
 * (docs/api.md, "Messages on RabbitMQ"): declaring needs "configure" on the {@code mediaflow.*} names and binding needs
 * "write" on the bound queues and "read" on the source exchanges, so those are shared. What differs is what
 * each may consume: the gateway no queue at all, queue-service the status events and the parking lot, each
 * worker its own task queue (plus its private, server-named pause/resume queue {@code spring.gen-*}).
 * {@code deploy/rabbitmq/definitions.json} and {@code scripts/local} set up exactly these.
 */
public final class BrokerUsers {

    /** A user and its three permission patterns (RabbitMQ regular expressions over resource names). */
    public record User(String name, String service, String configure, String write, String read) {
    }

    private static final String TOPOLOGY = "^mediaflow\\..*";
    private static final String EXCHANGES = "mediaflow\\.(tasks|retry|events|control)";
    private static final String OWN_CONTROL_QUEUE = "spring\\.gen-.*";

    private BrokerUsers() {
    }

    public static List<User> all() {
        return List.of(
                new User("mediaflow-gateway", "gateway-service", TOPOLOGY, TOPOLOGY, "^" + EXCHANGES + "$"),
                new User("mediaflow-queue-service", "queue-service", TOPOLOGY, TOPOLOGY,
                        "^(" + EXCHANGES + "|" + quote(Topology.EVENTS_QUEUE) + "|" + quote(Topology.DLQ) + ")$"),
                worker(WorkerKind.IMAGE, "image-worker"),
                worker(WorkerKind.VISION, "vision-worker"));
    }

    private static User worker(WorkerKind kind, String service) {
        String own = "^(mediaflow\\..*|" + OWN_CONTROL_QUEUE + ")$";
        return new User("mediaflow-" + service, service, own, own,
                "^(" + EXCHANGES + "|" + quote(kind.queue()) + "|" + OWN_CONTROL_QUEUE + ")$");
    }

    private static String quote(String name) {
        return name.replace(".", "\\.");
    }
}
