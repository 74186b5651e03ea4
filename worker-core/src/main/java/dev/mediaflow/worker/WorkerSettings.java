package dev.mediaflow.worker;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TopologyDeclarations;
import dev.mediaflow.worker.torch.DeviceChoice;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What every worker shares, bound from {@code mediaflow.*} (environment: {@code MEDIAFLOW_STORAGE_ROOT},
 * {@code MEDIAFLOW_CONSUMERS}, ...).
 *
 * @param workerId  blank: kind, host name and process id
 * @param consumers concurrent consumers of the task queue, each with prefetch 1; 0 (the default): one per
 *                  available processor, so a worker uses its machine's cores without tuning (the vision worker
 *                  sets 1 in its application.yml: one forward pass already uses every core)
 * @param stagingStaleAfter an attempt folder untouched this long belongs to a killed worker and is swept
 * @param device    {@code MEDIAFLOW_DEVICE}: auto, cpu or gpu; where the worker's pixel or tensor work runs
 *                  ({@link DeviceChoice})
 * @param progressInterval {@code MEDIAFLOW_PROGRESS_INTERVAL}: the least time between two progress events of a
 *                  task, from its start ({@link PacedProgress}); 0 sends every step
 */
@ConfigurationProperties("mediaflow")
public record WorkerSettings(
        @DefaultValue("data/storage") Path storageRoot,
        @DefaultValue(RedisKeys.DEFAULT_PREFIX) String redisPrefix,
        @DefaultValue("5s,30s,5m") String retryDelays,
        @DefaultValue("0") int consumers,
        @DefaultValue("5s") Duration publishTimeout,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("7d") Duration doneFlagTtl,
        @DefaultValue("") String workerId,
        @DefaultValue("1h") Duration stagingStaleAfter,
        @DefaultValue("auto") String device,
        @DefaultValue("250ms") Duration progressInterval) {

    public WorkerSettings {
        if (progressInterval.isNegative()) {
            throw new IllegalArgumentException("mediaflow.progress-interval must not be negative, was "
                    + progressInterval);
        }
        if (consumers < 0) {
            throw new IllegalArgumentException("mediaflow.consumers must be 0 (one per processor) or more, was "
                    + consumers);
        }
        DeviceChoice.parse(device);
    }

    public DeviceChoice deviceChoice() {
        return DeviceChoice.parse(device);
    }

    /** How many consumers to start: {@code consumers}, or one per available processor when it is 0. */
    public int consumerCount() {
        return consumers > 0 ? consumers : Runtime.getRuntime().availableProcessors();
    }

    public List<Duration> retryDelayList() {
        return TopologyDeclarations.parseDelays(retryDelays);
    }

    public RedisKeys redisKeys() {
        return new RedisKeys(redisPrefix);
    }
}
