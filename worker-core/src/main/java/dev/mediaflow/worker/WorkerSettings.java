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
 * @param consumers concurrent consumers of the task queue, each with prefetch 1
 * @param stagingStaleAfter an attempt folder untouched this long belongs to a killed worker and is swept
 * @param device    {@code MEDIAFLOW_DEVICE}: auto, cpu or gpu; where the worker's pixel or tensor work runs
 *                  ({@link DeviceChoice})
 */
@ConfigurationProperties("mediaflow")
public record WorkerSettings(
        @DefaultValue("data/storage") Path storageRoot,
        @DefaultValue(RedisKeys.DEFAULT_PREFIX) String redisPrefix,
        @DefaultValue("5s,30s,5m") String retryDelays,
        @DefaultValue("1") int consumers,
        @DefaultValue("5s") Duration publishTimeout,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("7d") Duration doneFlagTtl,
        @DefaultValue("") String workerId,
        @DefaultValue("1h") Duration stagingStaleAfter,
        @DefaultValue("auto") String device) {

    public WorkerSettings {
        if (consumers < 1) {
            throw new IllegalArgumentException("mediaflow.consumers must be at least 1, was " + consumers);
        }
        DeviceChoice.parse(device);
    }

    public DeviceChoice deviceChoice() {
        return DeviceChoice.parse(device);
    }

    public List<Duration> retryDelayList() {
        return TopologyDeclarations.parseDelays(retryDelays);
    }

    public RedisKeys redisKeys() {
        return new RedisKeys(redisPrefix);
    }
}
