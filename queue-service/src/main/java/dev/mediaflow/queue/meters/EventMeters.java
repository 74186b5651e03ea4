package dev.mediaflow.queue.meters;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code mediaflow_events_total{outcome}}: the status events queue-service consumed. {@code applied} changed the
 * record, {@code unchanged} was a duplicate or came too late to matter (normal in small numbers: redeliveries,
 * lease republishes), {@code rejected} was parked in {@code mediaflow.queue-service.events.parked} for an
 * operator, {@code requeued} could not be applied now (the database or Redis is down) and will come back.
 */
@Component
public class EventMeters {

    private final Counter applied;
    private final Counter unchanged;
    private final Counter rejected;
    private final Counter requeued;

    public EventMeters(MeterRegistry registry) {
        this.applied = counter(registry, "applied");
        this.unchanged = counter(registry, "unchanged");
        this.rejected = counter(registry, "rejected");
        this.requeued = counter(registry, "requeued");
    }

    public void applied(boolean changed) {
        (changed ? applied : unchanged).increment();
    }

    public void rejected() {
        rejected.increment();
    }

    public void requeued() {
        requeued.increment();
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("mediaflow.events").tag("outcome", outcome)
                .description("status events consumed by queue-service").register(registry);
    }
}
