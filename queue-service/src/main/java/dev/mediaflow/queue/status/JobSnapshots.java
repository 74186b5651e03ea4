package dev.mediaflow.queue.status;

import dev.mediaflow.queue.store.DatabaseItems;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatusDeriver;
import dev.mediaflow.queue.job.TaskRow;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.JobVersion;
import dev.mediaflow.queue.store.JobWithMedia;
import dev.mediaflow.queue.store.MediaItemRow;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuples;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one way a change of a job reaches Redis. In the change's transaction, after its last write:
 * bump the job's version, mark it pending in Redis, read the whole item as it will be committed.
 * After the commit: write that snapshot through the compare-and-set. A reader meanwhile falls back to
 * PostgreSQL, and a slower writer of an older version is refused.
 */
@Component
public class JobSnapshots {

    /** Jobs whose items {@link #captureAll} reads in one go: a bound on the statements' parameters. */
    static final int ITEMS_PER_READ = 1000;

    private final JobStore store;
    private final DatabaseItems items;
    private final JobStatusCache cache;
    private final TransactionalOperator tx;
    private final Clock clock;

    public JobSnapshots(JobStore store, DatabaseItems items, JobStatusCache cache, TransactionalOperator tx,
                        Clock clock) {
        this.store = store;
        this.items = items;
        this.cache = cache;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Runs {@code change} (which changes one job, holding its lock) in one transaction, then mirrors the
     * committed job into Redis.
     *
     * @return the job as changed
     */
    public Mono<JobRow> commit(Mono<JobStatusSnapshot> change) {
        return tx.transactional(change.flatMap(s -> capture(s).map(snapshot -> Tuples.of(s.job(), snapshot))))
                .flatMap(t -> cache.write(t.getT2(), false).thenReturn(t.getT1()));
    }

    /** In the change's transaction, after its last write; the result is written with {@link #write} after commit. */
    public Mono<ItemSnapshot> capture(JobStatusSnapshot change) {
        UUID jobId = change.job().id();
        return store.bumpVersion(jobId)
                .flatMap(version -> cache.markPending(jobId, version)
                        .then(items.oneVersioned(jobId))
                        .map(item -> new ItemSnapshot(jobId, version, change.job().owner(), item.item(),
                                item.resultsVersion(), change.progress(), change.at())));
    }

    /**
     * {@link #capture} in two steps, for a change that already bumped the job's version in its last write
     * ({@link JobStore#saveJobVersioned}) and holds the job as stored and its media item. This step marks the
     * change pending in Redis; {@link #itemsOf} takes the snapshots of all the changes of a transaction after its
     * last write, with one read of the results and one of the attempts logs for all of them.
     */
    public Mono<SavedChange> markSaved(JobStatusSnapshot change, long version, MediaItemRow media) {
        return cache.markPending(change.job().id(), version).thenReturn(new SavedChange(change, version, media));
    }

    /**
     * The saved changes of several changes of one job saved in one write that raised its version by their number to
     * {@code lastVersion} ({@link JobStore#saveJobsVersioned(List, List)}): each change gets its own version, in
     * their order. Not marked yet: the caller marks all the changes of its transaction at once, after its last
     * write ({@link #markPending}).
     */
    public static List<SavedChange> saved(List<JobStatusSnapshot> changes, long lastVersion, MediaItemRow media) {
        long first = lastVersion - changes.size() + 1;
        List<SavedChange> saved = new ArrayList<>(changes.size());
        for (int k = 0; k < changes.size(); k++) {
            saved.add(new SavedChange(changes.get(k), first + k, media));
        }
        return saved;
    }

    /**
     * What {@link #markSaved} does for one change, for all the changes of a transaction (an event batch), after its
     * last write: each job marked once, at its highest version (what marking each would leave: the mark keeps the
     * highest), a few hundred jobs a Redis call. Marked after the last write, a write that fails leaves no mark.
     */
    public Mono<Void> markPending(List<SavedChange> saved) {
        Map<UUID, Long> highest = new LinkedHashMap<>();
        saved.forEach(c -> highest.merge(c.change().job().id(), c.version(), Math::max));
        if (highest.isEmpty()) {
            return Mono.empty();
        }
        return cache.markPending(highest.entrySet().stream().map(e -> new JobVersion(e.getKey(), e.getValue()))
                .toList());
    }

    /**
     * In the transaction, after its last write: the snapshot of each change (empty where there is none), in the
     * order given. A job changed by several events of one batch gets the results and attempts log it has at the end
     * of the batch in each of its snapshots, with each event's own job row, status and progress: those in-between
     * versions were never committed states of their own (the batch commits once), their logs are never older than
     * their status, and each version's change still reaches the job's stream.
     */
    public Mono<List<Optional<ItemSnapshot>>> itemsOf(List<Optional<SavedChange>> changes) {
        List<SavedChange> present = changes.stream().flatMap(Optional::stream).toList();
        if (present.isEmpty()) {
            return Mono.just(changes.stream().map(c -> Optional.<ItemSnapshot>empty()).toList());
        }
        return items.versioned(present.stream().map(c -> new JobWithMedia(c.change().job(), c.media())).toList())
                .map(views -> {
                    List<Optional<ItemSnapshot>> snapshots = new ArrayList<>(changes.size());
                    int next = 0;
                    for (Optional<SavedChange> change : changes) {
                        if (change.isEmpty()) {
                            snapshots.add(Optional.empty());
                            continue;
                        }
                        SavedChange c = change.get();
                        DatabaseItems.VersionedItem view = views.get(next++);
                        snapshots.add(Optional.of(new ItemSnapshot(c.change().job().id(), c.version(),
                                c.change().job().owner(), view.item(), view.resultsVersion(), c.change().progress(),
                                c.change().at())));
                    }
                    return snapshots;
                });
    }

    /** After commit: the snapshot that {@link #capture} took. */
    public Mono<Boolean> write(ItemSnapshot snapshot) {
        return cache.write(snapshot, false);
    }

    /**
     * {@link #markSaved} and {@link #itemsOf} for many jobs that one statement of the transaction saved, each with
     * its new version ({@link JobStore#saveJobsVersioned}), after its last write: the pending marks set a few
     * hundred jobs a Redis call ({@link JobStatusCache#markPending(List)}), the snapshots read {@value #ITEMS_PER_READ}
     * jobs at a time (two statements each). {@link #writeAll} writes them after the commit.
     *
     * @return the snapshots, in the order of {@code saved}
     */
    public Mono<List<ItemSnapshot>> captureAll(List<SavedChange> saved) {
        return cache.markPending(saved.stream().map(c -> new JobVersion(c.change().job().id(), c.version())).toList())
                .thenMany(Flux.fromIterable(saved).buffer(ITEMS_PER_READ))
                .concatMap(chunk -> itemsOf(chunk.stream().map(Optional::of).toList()))
                .flatMapIterable(taken -> taken.stream().map(Optional::orElseThrow).toList())
                .collectList();
    }

    /**
     * A change of many jobs at once (a set-based cancel or retry): {@code change} runs in one transaction and returns
     * the snapshots it took ({@link #captureAll}), which are written after the commit ({@link #writeAll}); {@code
     * timed} hears how many jobs changed, how long the transaction took and how long the snapshots after it.
     *
     * @return how many jobs changed
     */
    public Mono<Long> commitAll(Mono<List<ItemSnapshot>> change, Timed timed) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return tx.transactional(change).flatMap(taken -> {
                long committed = System.nanoTime();
                return writeAll(taken).then(Mono.fromSupplier(() -> {
                    if (!taken.isEmpty()) {
                        timed.done(taken.size(), (committed - start) / 1_000_000,
                                (System.nanoTime() - committed) / 1_000_000);
                    }
                    return (long) taken.size();
                }));
            });
        });
    }

    /** What {@link #commitAll} reports of a change that changed some jobs, for its log line. */
    @FunctionalInterface
    public interface Timed {
        void done(int jobs, long transactionMs, long snapshotsMs);
    }

    /** After the commit: the snapshots that {@link #captureAll} took, a few hundred a Redis call. */
    public Mono<Void> writeAll(List<ItemSnapshot> taken) {
        return cache.writeAll(taken);
    }

    /**
     * A change of a media item's results ({@code change}) in the caller's transaction: the item's row is locked
     * first, its results version raised, so the item's changes of results run one at a time, each with a version
     * of its own; once {@code change} has run, that version is marked pending in Redis, so that no job snapshot of
     * the item built before it is served from the commit on (readers take PostgreSQL until the change's own
     * snapshot, or a newer one, is written). A change that fails leaves no mark behind.
     *
     * <p>The other jobs of the item are not touched: a reader that finds one's snapshot older than the item's
     * results reads the job from PostgreSQL and has it rewritten in the background. Their versions were bumped and
     * their snapshots rewritten here before, a cost that grew with the item's jobs (docs/performance.md, section 4).
     */
    public Mono<Void> resultsChanged(UUID mediaItemId, Mono<Void> change) {
        return store.bumpResultsVersion(mediaItemId)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(version -> change.then(version
                        .map(v -> cache.markResultsPending(mediaItemId, v))
                        .orElseGet(Mono::empty)));
    }

    /** The committed item at {@code version}, read without the lock (the caller holds it, or only reads). */
    public Mono<ItemSnapshot> load(UUID jobId, long version) {
        return loadAll(List.of(new JobVersion(jobId, version))).flatMap(loaded -> Mono.justOrEmpty(
                loaded.stream().findFirst()));
    }

    /**
     * {@link #load} for many jobs in four statements (the jobs with their media items, their tasks, the items'
     * results, their attempts logs), however many there are; a job that is gone is left out.
     */
    private Mono<List<ItemSnapshot>> loadAll(List<JobVersion> versions) {
        if (versions.isEmpty()) {
            return Mono.just(List.of());
        }
        List<UUID> ids = versions.stream().map(JobVersion::jobId).toList();
        return store.findItems(ids).collectMap(row -> row.job().id())
                .zipWith(store.findTasks(ids).collectMultimap(TaskRow::jobId))
                .flatMap(found -> {
                    List<JobVersion> present = versions.stream().filter(v -> found.getT1().containsKey(v.jobId()))
                            .toList();
                    List<JobWithMedia> rows = present.stream().map(v -> found.getT1().get(v.jobId())).toList();
                    return items.versioned(rows).map(views -> {
                        List<ItemSnapshot> loaded = new ArrayList<>(present.size());
                        for (int i = 0; i < present.size(); i++) {
                            JobRow job = rows.get(i).job();
                            loaded.add(new ItemSnapshot(job.id(), present.get(i).version(), job.owner(),
                                    views.get(i).item(), views.get(i).resultsVersion(),
                                    JobStatusDeriver.progress(job, found.getT2().getOrDefault(job.id(), List.of())),
                                    clock.instant()));
                        }
                        return loaded;
                    });
                });
    }

    /**
     * The job as PostgreSQL has committed it, without a lock. The version is read first, so the item is
     * at least that new: a stream that starts from it drops no change it has not shown.
     */
    public Mono<ItemSnapshot> fromDatabase(UUID jobId) {
        return store.findVersion(jobId).flatMap(version -> load(jobId, version));
    }
}
