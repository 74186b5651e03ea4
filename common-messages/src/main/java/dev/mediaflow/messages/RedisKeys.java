package dev.mediaflow.messages;

import java.util.UUID;

/**
 * Redis key names shared by queue-service and the workers. The prefix ({@code MEDIAFLOW_REDIS_PREFIX},
 * default {@code mediaflow:}) lets several installations or test runs share one Redis.
 * Redis holds fast, rebuildable state only; PostgreSQL is the record.
 */
public record RedisKeys(String prefix) {

    public static final String DEFAULT_PREFIX = "mediaflow:";

    public RedisKeys {
        if (prefix == null || prefix.isBlank()) {
            prefix = DEFAULT_PREFIX;
        }
    }

    /** hash: the job's current status as the API shows it; written by queue-service */
    public String job(UUID jobId) {
        return prefix + "job:" + jobId;
    }

    /**
     * hash: the results version of a media item ({@code version}: the highest any job snapshot of the item was
     * written with; {@code pending}: a change of its results committing); a job snapshot older than either is not
     * served. Written by queue-service
     */
    public String media(UUID mediaItemId) {
        return mediaPrefix() + mediaItemId;
    }

    /** What every {@link #media} key starts with: a script that finds a media item's id in a job hash adds it. */
    public String mediaPrefix() {
        return prefix + "media:";
    }

    /** channel: every status change of one job */
    public String jobChannel(UUID jobId) {
        return prefix + "events:" + jobId;
    }

    /** channel: every status change of every job */
    public String allJobsChannel() {
        return prefix + "events";
    }

    /** string: the highest run of the job that was cancelled; workers skip tasks of that run or older */
    public String cancel(UUID jobId) {
        return prefix + "cancel:" + jobId;
    }

    /**
     * string: the {@code task.succeeded} event of that run, stored by the worker that finished it, so a
     * redelivery changes nothing but sends the event again
     */
    public String taskDone(UUID jobId, WorkerKind kind, int run) {
        return prefix + "done:" + jobId + ":" + kind.json() + ":" + run;
    }

    /**
     * hash: who holds one attempt now ({@code holder}, a worker process id, blank once released) and how
     * often a holder died in it ({@code deaths})
     */
    public String attempt(UUID jobId, WorkerKind kind, int run, int attempt) {
        return prefix + "attempt:" + jobId + ":" + kind.json() + ":" + run + ":" + attempt;
    }

    /** hash with a short TTL: one worker instance's heartbeat */
    public String worker(String workerId) {
        return prefix + "worker:" + workerId;
    }

    public String workerPattern() {
        return prefix + "worker:*";
    }

    /**
     * bitmap: a Bloom filter of the content (owner and SHA-256) of every media item with a completed job
     * ({@link CompletedContentBits}); set by queue-service, read by the gateway, which asks queue-service for an
     * earlier upload of the same file only when the filter may hold it
     */
    public String completedContent() {
        return prefix + "dedup:completed";
    }

    /**
     * string: present while {@link #completedContent} holds every completed media item of PostgreSQL; the gateway
     * trusts a miss only then. Its value is the {@link #completedContentGeneration} of the rebuild that set it
     */
    public String completedContentReady() {
        return prefix + "dedup:ready";
    }

    /** counter: raised whenever the filter may have missed an item, so a rebuild that started before is not trusted */
    public String completedContentGeneration() {
        return prefix + "dedup:generation";
    }

    /** string "1" while workers are paused, so an instance that starts later starts paused */
    public String paused() {
        return prefix + "control:paused";
    }
}
