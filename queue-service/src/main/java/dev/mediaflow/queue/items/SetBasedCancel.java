package dev.mediaflow.queue.items;

import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.job.JobStatusDeriver;
import dev.mediaflow.queue.job.TaskRow;
import dev.mediaflow.queue.meters.JobMeters;
import dev.mediaflow.queue.status.ItemSnapshot;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.JobStatusSnapshot;
import dev.mediaflow.queue.status.SavedChange;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.JobVersion;
import dev.mediaflow.queue.store.JobWithMedia;
import dev.mediaflow.queue.store.StoredPrecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The set-based part of a bulk cancel: every cancellable job of a project (or of some of its batches) that no other
 * transaction holds, cancelled in one transaction of a few statements however many there are, with what
 * {@link JobActions#cancel} does for one job: the job {@code cancelled} at one time ({@link JobRow#cancelledAt}),
 * its version raised, the meters counted once it commits, the workers' {@link CancelFlags} raised before the
 * commit, and its Redis snapshot marked pending in the transaction and written after it ({@link JobSnapshots}).
 * The job counts (V85) follow from the one update through their statement triggers; a cancelled job has no hourly
 * figures (V86 counts completed and failed jobs only), and a cancel leaves the tasks as they are, as for one job.
 * {@link BulkJobActions} cancels the jobs skipped here one by one.
 *
 * <h2>Why the locking is right</h2>
 * <ul>
 *   <li><b>No event resurrects a cancelled job.</b> The statement that picks the cancellable jobs locks each
 *       job's row ({@link JobStore#lockJobsWithoutWaiting}); a locking read takes the newest committed row and
 *       checks the status on it, and the row stays locked until the commit. Every writer of a job's status (an
 *       event, batched or not, a single cancel or retry, a replay) reads the job with {@code FOR UPDATE} before
 *       it decides, so it waits for this commit and starts from {@code cancelled}, which only an explicit retry
 *       leaves ({@link JobStatusDeriver}).</li>
 *   <li><b>No event is lost.</b> A job whose row an event holds at that moment (its applier locks the row with
 *       its first read) is skipped, not waited for: the event commits as it would without the cancel, and the
 *       job is then cancelled on its own, after the event, by the per-job path, which waits for it like a single
 *       cancel and counts the job only if it is still cancellable then.</li>
 *   <li><b>No deadlock.</b> This transaction never waits for a lock another one holds ({@code SKIP LOCKED}, and
 *       its update only changes rows it holds), so it is in no cycle of waits. It takes no per-job advisory lock
 *       ({@link JobStore#lockJob}): tens of thousands would overflow PostgreSQL's lock table
 *       ({@code max_locks_per_transaction}), and waiting for them (or for rows) in any order could deadlock with
 *       a batch of events, which takes its jobs' locks one after another in Java's UUID order, not PostgreSQL's.
 *       The paths that act under the advisory lock alone never change a job's status from what they read: the
 *       lease sweeper and the priority ager read a task and publish a copy of it, which is as if they ran just
 *       before the cancel (the copy meets the cancel flag at the worker, and its events cannot leave
 *       {@code cancelled}); an expiry only takes media items whose jobs are all final; a deletion cancels its
 *       jobs one by one, waiting for the rows, and raises its own flag for every run after that, so its flag is
 *       the last one written.</li>
 * </ul>
 *
 * <h2>Redis</h2>
 * As for one job: the cancel flags are raised in the transaction, before its commit, and if Redis refuses one the
 * transaction rolls back and the request fails with 503 {@code redis_unavailable}, nothing cancelled (a flag
 * already raised for a job whose cancel rolled back makes its workers skip its tasks, whose events then end the
 * job {@code cancelled}; a single cancel whose commit fails after its flag does the same). The pending marks and
 * the snapshots are best effort, as for every change: a reader meanwhile asks PostgreSQL, and the reconciler writes
 * a snapshot that was not taken.
 */
@Service
public class SetBasedCancel {

    private static final Logger log = LoggerFactory.getLogger(SetBasedCancel.class);

    static final List<JobStatus> CANCELLABLE = Arrays.stream(JobStatus.values()).filter(JobStatus::cancellable).toList();

    private final JobStore store;
    private final JobSnapshots snapshots;
    private final CancelFlags flags;
    private final JobMeters meters;
    private final Clock clock;

    public SetBasedCancel(JobStore store, JobSnapshots snapshots, CancelFlags flags, JobMeters meters,
                          Clock clock) {
        this.store = store;
        this.snapshots = snapshots;
        this.flags = flags;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Cancels, in one transaction, the cancellable jobs of the project (of those batches, when some are named) that
     * {@code ownerFilter} owns (null: everyone's) and no other transaction holds now.
     *
     * @return how many it cancelled
     */
    public Mono<Long> cancelUnheld(String ownerFilter, String projectId, List<String> batchIds) {
        return cancelUnheld(ownerFilter, projectId, batchIds, CANCELLABLE);
    }

    /** {@link #cancelUnheld(String, String, List)} of the jobs in some of the cancellable statuses only. */
    public Mono<Long> cancelUnheld(String ownerFilter, String projectId, List<String> batchIds,
                                   List<JobStatus> statuses) {
        if (!CANCELLABLE.containsAll(statuses)) {
            throw new IllegalArgumentException("not all cancellable: " + statuses);
        }
        return Mono.defer(() -> {
            // as stored (microseconds), so that the snapshots show what a read of the rows would
            Instant at = StoredPrecision.of(clock.instant());
            Mono<List<ItemSnapshot>> change = store.lockJobsWithoutWaiting(ownerFilter, projectId, batchIds, statuses)
                    .collectList()
                    .flatMap(locked -> locked.isEmpty() ? Mono.just(List.<ItemSnapshot>of()) : cancel(locked, at));
            return snapshots.commitAll(change, (jobs, transactionMs, snapshotsMs) -> log.info("{} job(s) of project "
                    + "{} cancelled in one transaction of {} ms; their Redis snapshots written in {} ms after it", jobs,
                    projectId, transactionMs, snapshotsMs));
        });
    }

    /** In the transaction, the jobs' rows locked: saves them cancelled, counts them, flags them, takes snapshots. */
    private Mono<List<ItemSnapshot>> cancel(List<JobWithMedia> locked, Instant at) {
        List<JobRow> before = locked.stream().map(JobWithMedia::job).toList();
        List<JobRow> after = before.stream().map(job -> job.cancelledAt(at)).toList();
        List<UUID> ids = after.stream().map(JobRow::id).toList();
        return store.saveJobsVersioned(after)
                .collectMap(JobVersion::jobId, JobVersion::version)
                .flatMap(versions -> {
                    if (versions.size() != after.size()) {
                        // the rows are locked: this cannot happen, and the transaction rolls back if it does
                        return Mono.error(new IllegalStateException("cancelled " + versions.size() + " of the "
                                + after.size() + " locked jobs"));
                    }
                    return meters.jobsSaved(before, after)
                            .then(store.findTasks(ids).collectMultimap(TaskRow::jobId))
                            .flatMap(tasks -> flags.raise(after)
                                    .then(Mono.defer(() -> snapshots.captureAll(saved(locked, after, versions, tasks)))));
                });
    }

    private List<SavedChange> saved(List<JobWithMedia> locked, List<JobRow> after, Map<UUID, Long> versions,
                                    Map<UUID, Collection<TaskRow>> tasks) {
        Instant now = clock.instant();
        List<SavedChange> saved = new ArrayList<>(after.size());
        for (int i = 0; i < after.size(); i++) {
            JobRow job = after.get(i);
            int progress = JobStatusDeriver.progress(job, tasks.getOrDefault(job.id(), List.of()));
            saved.add(new SavedChange(new JobStatusSnapshot(job, progress, now), versions.get(job.id()),
                    locked.get(i).media()));
        }
        return saved;
    }
}
