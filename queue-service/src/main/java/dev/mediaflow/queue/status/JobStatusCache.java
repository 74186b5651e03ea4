package dev.mediaflow.queue.status;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.QueueItem;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.dedup.CompletedContentFilter;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.store.JobVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Redis copy of each job ({@code job:<id>} hash: the whole queue item at a version, with a TTL) and
 * its change notifications on {@code events:<id>} and {@code events}. Every write goes through one
 * compare-and-set script, so Redis only ever moves to a newer version, whatever order writers finish
 * in. PostgreSQL stays the record: a Redis failure here is logged, never propagated, and readers then
 * take the job from PostgreSQL.
 *
 * <p>A job's item shows its media item's results, which other jobs of the item change. Those changes do not touch
 * the job: each snapshot records the results version it was built from, the item's {@code media:<id>} hash the
 * highest any snapshot of the item was written with and a pending mark while a change of the results commits, and
 * a reader serves a snapshot only when it is at least as new as both.
 */
@Component
public class JobStatusCache {

    /** Jobs one call of a script takes at most: Redis runs nothing else during a call, so each is kept short. */
    static final int PER_CALL = 200;

    private static final Logger log = LoggerFactory.getLogger(JobStatusCache.class);
    private static final RedisScript<Long> WRITE =
            RedisScripts.fromClasspath("redis/write-job-snapshot.lua", Long.class);
    private static final RedisScript<Long> MARK =
            RedisScripts.fromClasspath("redis/mark-job-pending.lua", Long.class);
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> READ = RedisScripts.fromClasspath("redis/read-job-snapshot.lua", List.class);
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> BEHIND = RedisScripts.fromClasspath("redis/jobs-behind.lua", List.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisKeys keys;
    private final MediaflowProperties properties;
    private final CompletedContentFilter completedContent;

    public JobStatusCache(ReactiveStringRedisTemplate redis, RedisKeys keys, MediaflowProperties properties,
                          CompletedContentFilter completedContent) {
        this.redis = redis;
        this.keys = keys;
        this.properties = properties;
        this.completedContent = completedContent;
    }

    /**
     * Called in the transaction of a change, before it commits: readers fall back to PostgreSQL until a
     * snapshot of this version is written. Without it a reader could get the old snapshot between the
     * commit and the write that follows it.
     */
    public Mono<Void> markPending(UUID jobId, long version) {
        return markPending(List.of(new JobVersion(jobId, version)));
    }

    /**
     * {@link #markPending(UUID, long)} for the jobs of a change of many ({@code SetBasedCancel}), {@value #PER_CALL}
     * jobs a script call instead of one each.
     */
    public Mono<Void> markPending(List<JobVersion> changes) {
        return Flux.fromIterable(changes)
                .buffer(PER_CALL)
                .concatMap(chunk -> marked(chunk.stream().map(c -> keys.job(c.jobId())).toList(),
                        chunk.stream().map(JobVersion::version).toList()))
                .then()
                .onErrorResume(e -> {
                    log.warn("Could not mark the Redis status of {} job(s) as changing (the first {}): {}",
                            changes.size(), changes.get(0).jobId(), e.toString());
                    return Mono.empty();
                });
    }

    /**
     * {@link #markPending(UUID, long)} for a change of a media item's results, in its transaction before the commit:
     * no snapshot of the item's jobs older than {@code resultsVersion} is served until one that new is written.
     */
    public Mono<Void> markResultsPending(UUID mediaItemId, long resultsVersion) {
        return marked(List.of(keys.media(mediaItemId)), List.of(resultsVersion))
                .onErrorResume(e -> {
                    log.warn("Could not mark the results of media item {} as changing: {}", mediaItemId,
                            e.toString());
                    return Mono.empty();
                });
    }

    /** One call of the mark script: each hash marked pending at its version, with the status TTL. */
    private Mono<Void> marked(List<String> hashes, List<Long> versions) {
        List<String> args = new ArrayList<>(versions.size() + 1);
        versions.forEach(v -> args.add(Long.toString(v)));
        args.add(Long.toString(properties.statusTtl().toMillis()));
        return redis.execute(MARK, hashes, args).then();
    }

    /**
     * Writes the snapshot and publishes its change, only if it is newer than the one Redis holds.
     *
     * @param locked true when the caller holds the job's row lock and {@code snapshot} is what is committed
     *               (the reconciler): it may then create a missing key and clear a stale pending mark
     * @return whether Redis took it; false also when Redis failed
     */
    public Mono<Boolean> write(ItemSnapshot snapshot, boolean locked) {
        return written(List.of(snapshot), locked)
                .map(written -> written == 1L)
                .onErrorResume(e -> {
                    log.warn("Redis status update of job {} to version {} failed (PostgreSQL has it; the reconciler "
                            + "restores it): {}", snapshot.jobId(), snapshot.version(), e.toString());
                    return Mono.just(false);
                });
    }

    /**
     * {@link #write} of many snapshots of committed changes (not {@code locked}), {@value #PER_CALL} jobs a script
     * call; each is taken or refused as if alone. A failure is logged, as for one.
     */
    public Mono<Void> writeAll(List<ItemSnapshot> snapshots) {
        return Flux.fromIterable(snapshots)
                .buffer(PER_CALL)
                .concatMap(chunk -> written(chunk, false).onErrorResume(e -> {
                    log.warn("Redis status update of {} job(s) failed (PostgreSQL has them; the reconciler restores "
                            + "them), the first {} to version {}: {}", chunk.size(), chunk.get(0).jobId(),
                            chunk.get(0).version(), e.toString());
                    return Mono.just(0L);
                }))
                .then();
    }

    /** One call of the write script for these snapshots. @return how many Redis took */
    private Mono<Long> written(List<ItemSnapshot> snapshots, boolean locked) {
        List<String> scriptKeys = new ArrayList<>(snapshots.size() * 4);
        List<String> args = new ArrayList<>(snapshots.size() * 22);
        for (ItemSnapshot snapshot : snapshots) {
            UUID id = snapshot.jobId();
            UUID mediaItemId = snapshot.item().mediaItemId();
            scriptKeys.addAll(List.of(keys.job(id), keys.jobChannel(id), keys.allJobsChannel(),
                    keys.media(mediaItemId)));
            String resultsVersion = Long.toString(snapshot.resultsVersion());
            List<String> own = List.of(Long.toString(snapshot.version()),
                    Long.toString(properties.statusTtl().toMillis()), locked ? "1" : "0",
                    new String(Json.write(snapshot.change()), StandardCharsets.UTF_8), resultsVersion,
                    "owner", snapshot.owner(),
                    "media_item_id", mediaItemId.toString(),
                    "results_version", resultsVersion,
                    "item", new String(Json.write(snapshot.item()), StandardCharsets.UTF_8),
                    "status", snapshot.item().status(),
                    "attempts", Integer.toString(snapshot.item().attempts()),
                    "progress", Integer.toString(snapshot.progress()),
                    "updated_at", snapshot.at().toString());
            args.add(Integer.toString(own.size()));
            args.addAll(own);
        }
        Mono<Long> written = redis.execute(WRITE, scriptKeys, args).next().defaultIfEmpty(0L);
        List<CompletedContentFilter.Content> completed = completed(snapshots);
        if (completed.isEmpty()) {
            return written;
        }
        // whether or not Redis took the snapshots: the filter must hold every completed item (its add invalidates
        // the filter when it fails)
        return written.flatMap(n -> completedContent.add(completed).thenReturn(n))
                .onErrorResume(e -> completedContent.add(completed).then(Mono.error(e)));
    }

    /** The content of the completed jobs among these snapshots, for the dedup filter. */
    private static List<CompletedContentFilter.Content> completed(List<ItemSnapshot> snapshots) {
        List<CompletedContentFilter.Content> completed = new ArrayList<>();
        for (ItemSnapshot snapshot : snapshots) {
            if (JobStatus.COMPLETED.json().equals(snapshot.item().status())) {
                completed.add(new CompletedContentFilter.Content(snapshot.owner(), snapshot.item().sha256()));
            }
        }
        return completed;
    }

    /**
     * The snapshot Redis holds, when no committed or committing change is newer, of the job or of its media item's
     * results; empty when the key is missing, a change is pending, the item's results are newer than the
     * snapshot's, or Redis does not answer in time. One script call reads the job's hash and its item's results
     * version.
     */
    public Mono<ItemSnapshot> read(UUID jobId) {
        return redis.execute(READ, List.of(keys.job(jobId)), List.of(keys.mediaPrefix()))
                .next()
                .timeout(properties.statusReadTimeout())
                .flatMap(flat -> fresh(jobId, pairs(flat)))
                .onErrorResume(e -> {
                    log.debug("Redis status of job {} unreadable, PostgreSQL answers: {}", jobId, e.toString());
                    return Mono.empty();
                });
    }

    /** A flat list of fields and values as a map. */
    private static Map<String, String> pairs(List<?> flat) {
        Map<String, String> hash = new HashMap<>(flat.size());
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            hash.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return hash;
    }

    /** The version Redis holds for the job and whether a change is pending; -1 when there is no snapshot. */
    public Mono<Held> held(UUID jobId) {
        return redis.<String, String>opsForHash().multiGet(keys.job(jobId), List.of("version", "pending", "item"))
                .map(values -> new Held(values.get(2) == null ? -1 : number(values.get(0)),
                        values.get(1) == null ? -1 : number(values.get(1))));
    }

    /**
     * The jobs among {@code committed} whose snapshot is behind their committed version ({@link Held#isBehind}), in
     * one script call for all of them (the reconciler's page): a read per job cost the reconciler one Redis round
     * trip for every job changed within its window, every pass.
     */
    public Flux<UUID> behind(List<JobVersion> committed) {
        if (committed.isEmpty()) {
            return Flux.empty();
        }
        List<String> jobKeys = committed.stream().map(job -> keys.job(job.jobId())).toList();
        List<String> versions = committed.stream().map(job -> Long.toString(job.version())).toList();
        return redis.execute(BEHIND, jobKeys, versions)
                .flatMapIterable(positions -> positions)
                .map(position -> committed.get(((Number) position).intValue() - 1).jobId());
    }

    /** What Redis holds of one job: the snapshot's version and the highest pending one (-1: none). */
    public record Held(long version, long pending) {

        public boolean isBehind(long committed) {
            return version < committed || pending > version;
        }
    }

    private static Mono<ItemSnapshot> fresh(UUID jobId, Map<String, String> hash) {
        String item = hash.get("item");
        if (item == null) {
            return Mono.empty();
        }
        long version = number(hash.get("version"));
        if (hash.containsKey("pending") && number(hash.get("pending")) > version) {
            return Mono.empty();
        }
        if (!resultsCurrent(hash)) {
            return Mono.empty();
        }
        return Mono.fromCallable(() -> new ItemSnapshot(jobId, version, hash.get("owner"),
                Json.MAPPER.readValue(item, QueueItem.class), number(hash.get("results_version")),
                (int) number(hash.get("progress")), Instant.parse(hash.get("updated_at"))));
    }

    /**
     * Whether the snapshot shows its media item's latest results: its results version at least the version any
     * snapshot of the item was written with and any change of them committing. A snapshot written before V87 (no
     * results version) or a missing item hash (lost) proves nothing, so the snapshot is not served.
     */
    private static boolean resultsCurrent(Map<String, String> hash) {
        String shown = hash.get("results_version");
        String written = hash.get("media.version");
        if (shown == null || written == null) {
            return false;
        }
        long version = number(shown);
        return version >= number(written) && version >= number(hash.get("media.pending"));
    }

    private static long number(String value) {
        return value == null || value.isEmpty() ? -1 : Long.parseLong(value);
    }
}
