package dev.mediaflow.gateway.meters;

import dev.mediaflow.messages.UnroutableMessageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code mediaflow_publish_total{outcome}}: how the gateway's job publishes went. Each attempt to publish a job
 * counts once as {@code confirmed} (the broker took every message), {@code returned} (a message reached no queue:
 * a binding is missing) or {@code failed} (the broker was unreachable, refused, or did not confirm in time). A new
 * upload whose first attempt was not confirmed, so that the client was answered {@code pending} and the job
 * waits in the spool, counts once more as {@code spooled}. The drainer's later attempts count again, so a broker
 * outage shows as a rate of {@code failed} while {@code mediaflow_spool_jobs} grows.
 */
@Component
public class PublishMeters {

    private final Counter confirmed;
    private final Counter returned;
    private final Counter failed;
    private final Counter spooled;

    public PublishMeters(MeterRegistry registry) {
        this.confirmed = counter(registry, "confirmed");
        this.returned = counter(registry, "returned");
        this.failed = counter(registry, "failed");
        this.spooled = counter(registry, "spooled");
    }

    public void confirmed() {
        confirmed.increment();
    }

    /** @param newJob the publish of a new upload (whose client is then told {@code pending}), not a drain retry */
    public void notConfirmed(RuntimeException why, boolean newJob) {
        (why instanceof UnroutableMessageException ? returned : failed).increment();
        if (newJob) {
            spooled.increment();
        }
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("mediaflow.publish")
                .description("job publishes to RabbitMQ by how they ended (spooled: a new job left pending)")
                .tag("outcome", outcome)
                .register(registry);
    }
}
