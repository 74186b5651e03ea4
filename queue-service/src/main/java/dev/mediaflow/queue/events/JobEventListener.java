package dev.mediaflow.queue.events;

import com.rabbitmq.client.Channel;
import dev.mediaflow.messages.CorrelationId;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.meters.EventMeters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Consumes {@code mediaflow.queue-service.events} in batches ({@link EventBatchContainer}) and settles each
 * delivery by itself, only once its event's transaction committed ({@link JobEventBatchApplier}): acked when
 * applied; rejected without requeue when it cannot be read or applied, which dead-letters it into
 * {@code mediaflow.queue-service.events.parked} (kept for an operator, never dropped); requeued on any other
 * failure (database down, timeout), after a short pause so that an outage does not spin through the queue.
 */
@Component
public class JobEventListener {

    private static final Logger log = LoggerFactory.getLogger(JobEventListener.class);
    private static final long REQUEUE_BACKOFF_MS = 1000;

    private final JobEventBatchApplier applier;
    private final MediaflowProperties properties;
    private final EventMeters meters;

    public JobEventListener(JobEventBatchApplier applier, MediaflowProperties properties, EventMeters meters) {
        this.applier = applier;
        this.properties = properties;
        this.meters = meters;
    }

    @RabbitListener(id = "job-events", queues = Topology.EVENTS_QUEUE, containerFactory = EventBatchContainer.FACTORY)
    public void onMessages(List<Message> messages, Channel channel) throws IOException {
        List<Message> readable = new ArrayList<>();
        List<ReceivedEvent> events = new ArrayList<>();
        for (Message message : messages) {
            try {
                events.add(new ReceivedEvent(Json.read(message.getBody(), JobEvent.class),
                        CorrelationId.of(message).orElse(null)));
                readable.add(message);
            } catch (RuntimeException e) {
                settle(channel, message, null, EventOutcome.park("unreadable JSON: " + e.getMessage(), e));
            }
        }
        if (events.isEmpty()) {
            return;
        }
        List<EventOutcome> outcomes = outcomes(events);
        boolean requeued = false;
        for (int i = 0; i < readable.size(); i++) {
            settle(channel, readable.get(i), events.get(i).event(), outcomes.get(i));
            requeued |= outcomes.get(i).kind() == EventOutcome.Kind.REQUEUE;
        }
        if (requeued) {
            pause();
        }
    }

    private List<EventOutcome> outcomes(List<ReceivedEvent> events) {
        try {
            List<EventOutcome> outcomes = applier.apply(events)
                    .block(properties.eventTimeout().multipliedBy(events.size() + 1L));
            if (outcomes != null && outcomes.size() == events.size()) {
                return outcomes;
            }
            return requeueAll(events, new IllegalStateException("the batch gave " + outcomes + " for "
                    + events.size() + " events"));
        } catch (RuntimeException e) {
            return requeueAll(events, e);
        }
    }

    private static List<EventOutcome> requeueAll(List<ReceivedEvent> events, RuntimeException e) {
        return events.stream().map(event -> EventOutcome.requeue(e.toString(), e)).toList();
    }

    private void settle(Channel channel, Message message, JobEvent event, EventOutcome outcome) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        switch (outcome.kind()) {
            case APPLIED, UNCHANGED -> {
                meters.applied(outcome.kind() == EventOutcome.Kind.APPLIED);
                channel.basicAck(tag, false);
            }
            case PARK -> {
                meters.rejected();
                String body = new String(message.getBody(), StandardCharsets.UTF_8);
                log.warn("Parking malformed status event in {} ({}): {}", Topology.EVENTS_PARKED_QUEUE,
                        outcome.why(), body.length() > 500 ? body.substring(0, 500) + "..." : body);
                channel.basicReject(tag, false);
            }
            case REQUEUE -> {
                meters.requeued();
                log.error("Could not apply {} of job {}; requeueing it: {}", event.type(), event.jobId(),
                        outcome.why());
                channel.basicNack(tag, false, true);
            }
        }
    }

    /** A short pause so that a database outage does not spin through the queue. */
    private static void pause() {
        try {
            Thread.sleep(REQUEUE_BACKOFF_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
