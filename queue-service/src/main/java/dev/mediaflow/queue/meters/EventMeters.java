package dev.mediaflow.queue.meters;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code mediaflow_events_total{outcome}}: the status events queue-service consumed. {@code applied} changed the
 * record, {@code unchanged} was a duplicate or came too late to matter (normal in small numbers: redeliveries,
 * lease republishes), {@code rejected} was parked in {@code mediaflow.queue-service.events.parked} for an
 * operator, {@code requeued} could not be applied now (the database or Redis is down) and will come back.
 * {@code mediaflow_event_batches_total{outcome}}: the batches of events (of one event too) applied in one transaction,
 * {@code committed} as one, or {@code split} (something in the batch failed, so its events were applied one by one:
 * a refused event, a deadlock with another batch, the database down).
 */
@Component
public class EventMeters {

    private final Counter applied;
    private final Counter unchanged;
    private final Counter rejected;
    private final Counter requeued;
    private final Counter batchesCommitted;
    private final Counter batchesSplit;

    public EventMeters(MeterRegistry registry) {
        this.applied = counter(registry, "applied");
        this.unchanged = counter(registry, "unchanged");
        this.rejected = counter(registry, "rejected");
        this.requeued = counter(registry, "requeued");
        this.batchesCommitted = batches(registry, "committed");
        this.batchesSplit = batches(registry, "split");
    }

    /** A batch of events committed in one transaction ({@code false}: it failed and was applied one by one). */
    public void batch(boolean committed) {
        (committed ? batchesCommitted : batchesSplit).increment();
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

    private static Counter batches(MeterRegistry registry, String outcome) {
        return Counter.builder("mediaflow.event.batches").tag("outcome", outcome)
                .description("batches of status events applied in one transaction by queue-service")
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("mediaflow.events").tag("outcome", outcome)
                .description("status events consumed by queue-service").register(registry);
    }
}
