package dev.mediaflow.gateway.meters;

import dev.mediaflow.gateway.publish.SubmissionSpool;
import dev.mediaflow.gateway.storage.StorageRoot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * The gateway's two ways of running out of room: {@code mediaflow_spool_jobs} (accepted jobs that RabbitMQ has
 * not confirmed yet: it grows while the broker is away and must drain when it is back) and
 * {@code mediaflow_storage_free_bytes} / {@code mediaflow_storage_total_bytes} of the file system under the
 * storage root, which uploads, spool, worker outputs share; below {@code MEDIAFLOW_MIN_FREE_BYTES} free, uploads
 * get 507. Actuator's own {@code disk_free_bytes} watches the working directory, which may be another disk.
 */
@Component
public class StorageGauges implements MeterBinder {

    private final SubmissionSpool spool;
    private final StorageRoot storage;

    public StorageGauges(SubmissionSpool spool, StorageRoot storage) {
        this.spool = spool;
        this.storage = storage;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("mediaflow.spool.jobs", spool, SubmissionSpool::size)
                .description("accepted jobs waiting in the gateway's spool for RabbitMQ")
                .strongReference(true).register(registry);
        Gauge.builder("mediaflow.storage.free", storage, s -> s.root().toFile().getUsableSpace())
                .description("bytes free for the gateway under the storage root")
                .baseUnit("bytes").strongReference(true).register(registry);
        Gauge.builder("mediaflow.storage.total", storage, s -> s.root().toFile().getTotalSpace())
                .description("size of the file system under the storage root")
                .baseUnit("bytes").strongReference(true).register(registry);
    }
}
