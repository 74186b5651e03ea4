package dev.mediaflow.queue.events;

import dev.mediaflow.messages.CorrelationId;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.observability.LogContext;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.meters.EventMeters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;

/**
 * Consumes {@code mediaflow.queue-service.events}. A message that cannot be read or applied is
 * rejected without requeue, which dead-letters it into {@code mediaflow.queue-service.events.parked}
 * (kept for an operator, never dropped); any other failure (database down, timeout) requeues it.
 * While an event is applied, its correlation id (message header) and job id are in MDC, and reach the
 * applier's reactive chain through context propagation: the job's lines here carry the upload's id.
 */
@Component
public class JobEventListener {

    private static final Logger log = LoggerFactory.getLogger(JobEventListener.class);
    private static final long REQUEUE_BACKOFF_MS = 1000;

    private final JobEventApplier applier;
    private final MediaflowProperties properties;
    private final EventMeters meters;

    public JobEventListener(JobEventApplier applier, MediaflowProperties properties, EventMeters meters) {
        this.applier = applier;
        this.properties = properties;
        this.meters = meters;
    }

    @RabbitListener(id = "job-events", queues = Topology.EVENTS_QUEUE)
    public void onMessage(Message message) {
        try (LogContext scope = LogContext.correlation(CorrelationId.of(message).orElse(null))) {
            apply(message);
        }
    }

    private void apply(Message message) {
        JobEvent event;
        try {
            event = Json.read(message.getBody(), JobEvent.class);
        } catch (RuntimeException e) {
            throw reject(message, "unreadable JSON: " + e.getMessage(), e);
        }
        LogContext.jobId(event.jobId());
        try {
            Boolean changed = applier.apply(event).block(properties.eventTimeout());
            meters.applied(Boolean.TRUE.equals(changed));
        } catch (MalformedEventException e) {
            throw reject(message, e.getMessage(), e);
        } catch (DataIntegrityViolationException e) {
            throw reject(message, "violates a database constraint: " + e.getMostSpecificCause().getMessage(), e);
        } catch (RuntimeException e) {
            meters.requeued();
            log.error("Could not apply {} of job {}; requeueing it: {}", event.type(), event.jobId(), e.toString());
            pause();
            throw e;
        }
    }

    private AmqpRejectAndDontRequeueException reject(Message message, String why, Exception cause) {
        meters.rejected();
        String body = new String(message.getBody(), StandardCharsets.UTF_8);
        log.warn("Parking malformed status event in {} ({}): {}", Topology.EVENTS_PARKED_QUEUE, why,
                body.length() > 500 ? body.substring(0, 500) + "..." : body);
        return new AmqpRejectAndDontRequeueException("malformed status event: " + why, cause);
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
