package dev.mediaflow.gateway.config;

import dev.mediaflow.messages.RedisKeys;
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
 * @param rateLimit           requests per second per API key; bursts may reach twice this
 * @param authFailureLimit    failed key checks one client address may make per {@code authFailureWindow}
 * @param uploadIdleTimeout   longest pause between two reads of a request body (slowloris)
 * @param uploadTimeLimit     longest time one request body may take to arrive
 * @param minFreeBytes        free space under the storage root that an upload may never eat into
 * @param maxInflightPerOwner jobs one owner may have queued, pending or processing before uploads get 429
 * @param inflightCountTtl    {@code MEDIAFLOW_INFLIGHT_COUNT_TTL}: how long the gateway may use an owner's count of
 *                            jobs in flight read from queue-service, plus the uploads it accepted since, instead of
 *                            asking again; 0 asks for every upload ({@code limits.RecordedJobsInFlight})
 * @param maxStreamsPerOwner  live {@code /events} streams one owner may hold open at once
 * @param maxStreams          live {@code /events} streams of all owners together (their own connection pool)
 * @param streamMaxLifetime   after this a live stream ends; the client reconnects with {@code Last-Event-ID}
 * @param publishedMemory     longest a published job is remembered while queue-service does not know it
 * @param tmpMaxAge           an upload temp file untouched this long was left by a crash and is removed
 * @param immichUrl           {@code IMMICH_URL}: the Immich server assets are imported from; blank: no import
 * @param immichApiKey        {@code IMMICH_API_KEY}: sent to Immich as {@code x-api-key}, never logged
 * @param immichTimeout       longest wait for Immich to connect, answer, or send the next bytes of a file
 * @param immichMaxAssets     most assets one import may name (an album's count included)
 * @param deleteWait          how long {@code DELETE /api/media/{id}} waits for workers to stop the item's running
 *                            tasks before it removes the files anyway
 * @param fileTtl             {@code MEDIAFLOW_FILE_TTL}: how long an item's files stay after its last job ended
 *                            ({@code 30d}, {@code 12h}); blank keeps them forever; checked at start by
 *                            {@code files.FileTtl}, which stops the gateway on a bad value
 * @param fileCleanupInterval how often the scheduled file cleanup runs while a TTL is set
 * @param uploadStoreThreads  {@code MEDIAFLOW_UPLOAD_STORE_THREADS}: threads for an upload's blocking step (the file
 *                            checks, its fsyncs, the dedup lookup and the broker's confirm); uploads past it wait
 *                            for a thread. The RabbitMQ channel cache is sized to match (application.yml)
 * @param directWriteMinBytes {@code MEDIAFLOW_DIRECT_WRITE_MIN_BYTES}: uploads declaring at least this many bytes are
 *                            written past the page cache ({@code O_DIRECT}) where the file system allows it;
 *                            negative: none ({@code upload.DirectWrites})
 * @param benchNoop           {@code MEDIAFLOW_BENCH_NOOP}: uploads may ask for the operation {@code noop}, a job the
 *                            image worker completes without reading the file (the queue benchmark, bench/queue.sh);
 *                            off, {@code noop} is refused like any unknown operation
 * @param redisPrefix         {@code MEDIAFLOW_REDIS_PREFIX}: the key prefix queue-service writes the dedup filter
 *                            under ({@link RedisKeys}); the gateway only reads it
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
        @DefaultValue("5s,30s,5m") String retryDelays,
        @DefaultValue("50") int rateLimit,
        @DefaultValue("10") int authFailureLimit,
        @DefaultValue("1m") Duration authFailureWindow,
        @DefaultValue("30s") Duration uploadIdleTimeout,
        @DefaultValue("15m") Duration uploadTimeLimit,
        @DefaultValue("1073741824") long minFreeBytes,
        @DefaultValue("500") int maxInflightPerOwner,
        @DefaultValue("1s") Duration inflightCountTtl,
        @DefaultValue("20") int maxStreamsPerOwner,
        @DefaultValue("500") int maxStreams,
        @DefaultValue("10m") Duration streamMaxLifetime,
        @DefaultValue("7d") Duration publishedMemory,
        @DefaultValue("1h") Duration tmpMaxAge,
        String immichUrl,
        String immichApiKey,
        @DefaultValue("30s") Duration immichTimeout,
        @DefaultValue("500") int immichMaxAssets,
        @DefaultValue("30s") Duration deleteWait,
        String fileTtl,
        @DefaultValue("1h") Duration fileCleanupInterval,
        @DefaultValue("64") int uploadStoreThreads,
        @DefaultValue("67108864") long directWriteMinBytes,
        @DefaultValue("false") boolean benchNoop,
        @DefaultValue("mediaflow:") String redisPrefix) {

    public GatewayProperties {
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("mediaflow.max-upload-bytes must be positive: " + maxUploadBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("mediaflow.max-pixels must be positive: " + maxPixels);
        }
        positive("rate-limit", rateLimit);
        positive("auth-failure-limit", authFailureLimit);
        positive("max-inflight-per-owner", maxInflightPerOwner);
        positive("max-streams-per-owner", maxStreamsPerOwner);
        positive("max-streams", maxStreams);
        positive("immich-max-assets", immichMaxAssets);
        positive("upload-store-threads", uploadStoreThreads);
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("mediaflow.min-free-bytes must not be negative: " + minFreeBytes);
        }
        if (inflightCountTtl.isNegative()) {
            throw new IllegalArgumentException("mediaflow.inflight-count-ttl must not be negative: " + inflightCountTtl);
        }
        if (deleteWait.isNegative()) {
            throw new IllegalArgumentException("mediaflow.delete-wait must not be negative: " + deleteWait);
        }
        for (Duration d : new Duration[]{authFailureWindow, uploadIdleTimeout, uploadTimeLimit, streamMaxLifetime,
                immichTimeout, fileCleanupInterval}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("mediaflow durations must be positive: " + d);
            }
        }
    }

    /** The Redis key names under {@link #redisPrefix}. */
    public RedisKeys redisKeys() {
        return new RedisKeys(redisPrefix);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("mediaflow." + name + " must be positive: " + value);
        }
    }
}
