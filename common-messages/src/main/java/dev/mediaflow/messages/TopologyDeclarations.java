package dev.mediaflow.messages;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole RabbitMQ topology of docs/api.md, "Messages on RabbitMQ". Every service declares all of it at
 * start (declarations are idempotent), so any one of them can come up first.
 *
 * <pre>
 * mediaflow.tasks (topic) --task.image--> mediaflow.image.tasks --(nack)--> mediaflow.retry --task.*--> mediaflow.dlq
 *                         --task.vision-> mediaflow.vision.tasks
 * worker failure: publish attempt+1 to mediaflow.retry --wait.image.5s--> mediaflow.retry.image.5s
 *                 --(TTL, dead-letter with key task.image)--> mediaflow.tasks
 * mediaflow.events (topic) --#--> mediaflow.queue-service.events --(reject)--> (default exchange)
 *                 --> mediaflow.queue-service.events.parked
 * </pre>
 */
public final class TopologyDeclarations {

    private TopologyDeclarations() {
    }

    public static Declarables all(List<Duration> retryDelays) {
        List<Declarable> all = new ArrayList<>();
        TopicExchange tasks = ExchangeBuilder.topicExchange(Topology.TASKS_EXCHANGE).durable(true).build();
        TopicExchange retry = ExchangeBuilder.topicExchange(Topology.RETRY_EXCHANGE).durable(true).build();
        TopicExchange events = ExchangeBuilder.topicExchange(Topology.EVENTS_EXCHANGE).durable(true).build();
        FanoutExchange control = ExchangeBuilder.fanoutExchange(Topology.CONTROL_EXCHANGE).durable(true).build();
        all.addAll(List.of(tasks, retry, events, control));

        Queue dlq = QueueBuilder.durable(Topology.DLQ).build();
        all.add(dlq);
        all.add(BindingBuilder.bind(dlq).to(retry).with(Topology.DEAD_ROUTING_PATTERN));

        for (WorkerKind kind : WorkerKind.values()) {
            Queue taskQueue = QueueBuilder.durable(kind.queue())
                    .maxPriority(PriorityRule.AMQP_MAX_PRIORITY)
                    .deadLetterExchange(Topology.RETRY_EXCHANGE)
                    .build();
            all.add(taskQueue);
            all.add(BindingBuilder.bind(taskQueue).to(tasks).with(kind.routingKey()));
            for (Duration delay : retryDelays) {
                Queue wait = QueueBuilder.durable(Topology.waitQueue(kind, delay))
                        .ttl((int) delay.toMillis())
                        .deadLetterExchange(Topology.TASKS_EXCHANGE)
                        .deadLetterRoutingKey(kind.routingKey())
                        .build();
                all.add(wait);
                all.add(BindingBuilder.bind(wait).to(retry).with(Topology.waitRoutingKey(kind, delay)));
            }
        }

        Queue eventsQueue = QueueBuilder.durable(Topology.EVENTS_QUEUE)
                .deadLetterExchange("")
                .deadLetterRoutingKey(Topology.EVENTS_PARKED_QUEUE)
                .build();
        all.add(eventsQueue);
        all.add(QueueBuilder.durable(Topology.EVENTS_PARKED_QUEUE).build());
        Binding everyEvent = BindingBuilder.bind(eventsQueue).to(events).with("#");
        all.add(everyEvent);
        return new Declarables(all);
    }

    /** Parses {@code "5s,30s,5m"} (also {@code 250ms}, {@code 1h}); blank gives the default. */
    public static List<Duration> parseDelays(String list) {
        if (list == null || list.isBlank()) {
            return List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5));
        }
        List<Duration> delays = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim().toLowerCase();
            if (p.isEmpty()) {
                continue;
            }
            Duration d;
            if (p.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(p.substring(0, p.length() - 2)));
            } else if (p.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(p.substring(0, p.length() - 1)));
            } else if (p.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(p.substring(0, p.length() - 1)));
            } else if (p.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(p.substring(0, p.length() - 1)));
            } else {
                throw new IllegalArgumentException("retry delay needs a unit (ms, s, m, h): " + part);
            }
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("retry delay must be positive: " + part);
            }
            delays.add(d);
        }
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("no retry delays in: " + list);
        }
        return List.copyOf(delays);
    }

    /** Delay before attempt {@code failedAttempt + 1}: the n-th delay, the last one repeating. */
    public static Duration delayAfter(List<Duration> delays, int failedAttempt) {
        return delays.get(Math.min(Math.max(failedAttempt, 1), delays.size()) - 1);
    }
}
