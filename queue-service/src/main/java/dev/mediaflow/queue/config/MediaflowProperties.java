package dev.mediaflow.queue.config;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TopologyDeclarations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * queue-service settings.
 *
 * @param redisPrefix         prefix of every Redis key ({@code MEDIAFLOW_REDIS_PREFIX})
 * @param retryDelays         retry tiers declared with the topology ({@code MEDIAFLOW_RETRY_DELAYS})
 * @param statusTtl           lifetime of a job's status hash and cancel flag in Redis
 * @param maxUploadBytes      upload limit, kept for the priority scale ({@code MEDIAFLOW_MAX_UPLOAD_BYTES})
 * @param publishTimeout      how long to wait for a publisher confirm
 * @param eventTimeout        how long applying one status event may take before it is requeued
 * @param eventBatchSize      how many status events a consumer applies in one transaction at most
 *                            ({@code MEDIAFLOW_EVENT_BATCH_SIZE}): one commit for all, instead of one each
 * @param eventBatchWait      how long a consumer waits for one more event before it applies the batch it has
 *                            ({@code MEDIAFLOW_EVENT_BATCH_WAIT}): what a lone event may wait
 * @param statusReconcileInterval how often Redis is compared with PostgreSQL and repaired (0: never)
 * @param statusReconcileWindow   besides unfinished jobs, the reconciler checks those changed this recently
 * @param statusReadTimeout       how long a read waits for Redis before PostgreSQL answers instead
 * @param itemReadsFromRedis      serve the item endpoint and stream starts from Redis; false: always PostgreSQL
 * @param sseHeartbeat        interval of the comment that keeps an idle event stream open through proxies
 * @param outboxInterval      how often the task outbox is drained besides after each commit (a broker back)
 * @param taskLease           how long a started task may stay silent (no start, progress or worker
 *                            heartbeat naming its job) before it counts as lost ({@code MEDIAFLOW_TASK_LEASE});
 *                            a task waiting for a retry gets its retry delay on top
 * @param queuedLease         how long a task may wait in its queue without any sign of life before it counts
 *                            as lost ({@code MEDIAFLOW_QUEUED_LEASE}); long, as a busy queue is slow, not broken
 * @param leaseSweepInterval  how often the lease sweeper looks for silent tasks
 * @param gaugeRefreshInterval how often the backlog gauges (oldest queued job, jobs past their lease, workers
 *                            alive) are read from PostgreSQL and Redis; a scrape only reads the last values
 * @param priorityAging       a task waiting in its queue longer than this is published again one AMQP priority
 *                            higher, repeatedly, up to the top ({@code MEDIAFLOW_PRIORITY_AGING}; 0: never), so
 *                            a steady stream of photos cannot starve a video forever
 */
@ConfigurationProperties("mediaflow")
public record MediaflowProperties(
        @DefaultValue(RedisKeys.DEFAULT_PREFIX) String redisPrefix,
        @DefaultValue("5s,30s,5m") String retryDelays,
        @DefaultValue("7d") Duration statusTtl,
        @DefaultValue("104857600") long maxUploadBytes,
        @DefaultValue("5s") Duration publishTimeout,
        @DefaultValue("30s") Duration eventTimeout,
        @DefaultValue("50") int eventBatchSize,
        @DefaultValue("10ms") Duration eventBatchWait,
        @DefaultValue("15s") Duration statusReconcileInterval,
        @DefaultValue("10m") Duration statusReconcileWindow,
        @DefaultValue("1s") Duration statusReadTimeout,
        @DefaultValue("true") boolean itemReadsFromRedis,
        @DefaultValue("15s") Duration sseHeartbeat,
        @DefaultValue("1s") Duration outboxInterval,
        @DefaultValue("10m") Duration taskLease,
        @DefaultValue("2h") Duration queuedLease,
        @DefaultValue("30s") Duration leaseSweepInterval,
        @DefaultValue("15s") Duration gaugeRefreshInterval,
        @DefaultValue("1m") Duration priorityAging) {

    public List<Duration> retryDelayList() {
        return TopologyDeclarations.parseDelays(retryDelays);
    }

    /** Aging is off when {@link #priorityAging} is zero (or negative). */
    public boolean priorityAgingEnabled() {
        return priorityAging != null && priorityAging.compareTo(Duration.ZERO) > 0;
    }

    public RedisKeys redisKeys() {
        return new RedisKeys(redisPrefix);
    }
}
