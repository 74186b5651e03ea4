package dev.mediaflow.gateway.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * {@code mediaflow_storage_free_bytes} and {@code mediaflow_storage_total_bytes} of the file system under the
 * storage root, which uploads, spool and worker outputs share; below {@code MEDIAFLOW_MIN_FREE_BYTES} free, uploads
 * get 507. Actuator's own {@code disk_free_bytes} watches the working directory, which may be another disk.
 */
@Component
public class StorageGauges implements MeterBinder {

    private final StorageRoot storage;

    public StorageGauges(StorageRoot storage) {
        this.storage = storage;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("mediaflow.storage.free", storage, s -> s.root().toFile().getUsableSpace())
                .description("bytes free for the gateway under the storage root")
                .baseUnit("bytes").strongReference(true).register(registry);
        Gauge.builder("mediaflow.storage.total", storage, s -> s.root().toFile().getTotalSpace())
                .description("size of the file system under the storage root")
                .baseUnit("bytes").strongReference(true).register(registry);
    }
}
