package dev.mediaflow.gateway.publish;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * {@code mediaflow_spool_jobs}: accepted jobs that RabbitMQ has not confirmed yet. It grows while the broker is away
 * and must drain when it is back; with {@link dev.mediaflow.gateway.storage.StorageGauges} it tells how close the
 * gateway is to running out of room.
 */
@Component
public class SpoolGauge implements MeterBinder {

    private final SubmissionSpool spool;

    public SpoolGauge(SubmissionSpool spool) {
        this.spool = spool;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("mediaflow.spool.jobs", spool, SubmissionSpool::size)
                .description("accepted jobs waiting in the gateway's spool for RabbitMQ")
                .strongReference(true).register(registry);
    }
}
