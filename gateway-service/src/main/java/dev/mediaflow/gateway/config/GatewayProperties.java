package dev.mediaflow.gateway.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the gateway is configured with (prefix {@code mediaflow}); the defaults work on one machine.
 *
 * @param apiKeys             {@code owner:role:key} triples, comma separated; blank (and no keys file) means the
 *                            development keys
 * @param apiKeysFile         {@code MEDIAFLOW_API_KEYS_FILE}: {@code owner:role:sha256-hex} lines, e.g. a mounted Secret
 * @param queueServiceTimeout how long queue-service may take to start answering a proxied call
 */
@ConfigurationProperties(prefix = "mediaflow")
public record GatewayProperties(
        @DefaultValue("data/storage") Path storageRoot,
        @DefaultValue("104857600") long maxUploadBytes,
        @DefaultValue("100000000") long maxPixels,
        String apiKeys,
        Path apiKeysFile,
        @DefaultValue("5s") Duration publishTimeout,
        @DefaultValue("5s") Duration spoolInterval,
        @DefaultValue("http://127.0.0.1:8081") URI queueServiceUrl,
        @DefaultValue("10s") Duration queueServiceTimeout,
        @DefaultValue("http://127.0.0.1:8083") URI visionWorkerUrl,
        @DefaultValue("5s,30s,5m") String retryDelays) {

    public GatewayProperties {
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("mediaflow.max-upload-bytes must be positive: " + maxUploadBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("mediaflow.max-pixels must be positive: " + maxPixels);
        }
    }
}
