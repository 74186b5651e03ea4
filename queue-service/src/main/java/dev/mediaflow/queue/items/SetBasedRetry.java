package dev.mediaflow.queue.items;

import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.messaging.TaskOutbox;
import dev.mediaflow.queue.status.ItemSnapshot;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.JobStatusSnapshot;
import dev.mediaflow.queue.status.SavedChange;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.JobVersion;
import dev.mediaflow.queue.store.JobWithMedia;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The set-based part of a bulk retry ({@code retryAll}): every failed job of a project that no other transaction
 * holds and whose media item can run again, retried in one transaction of a few statements however many there are,
 * with what {@link JobActions#retry} does for one job: the job's next run ({@link JobRow#nextRun}) saved with its
 * version raised, its tasks reset for that run, their messages written to the outbox (published after the commit,
 * with the request's correlation id), and its Redis snapshot marked pending in the transaction and written after it.
 * {@link BulkJobActions} retries the jobs skipped here one by one, which answers for each exactly as a single retry
 * does (an expired media item is not retried and not counted).
 *
 * <p>The locking is {@link SetBasedCancel}'s: the statement that picks the jobs locks their rows (and share-locks
 * their media items, as a single retry does, so an expiry or a deletion waits for the commit) and skips every row
 * another transaction holds, so this transaction never waits for a lock and is in no deadlock, and every other
 * writer of a job's status reads the row {@code FOR UPDATE} first, so it waits for this commit and starts from the
 * new run. No per-job advisory lock is taken, for the reasons given there.
 */
@Service
public class SetBasedRetry {

    private static final Logger log = LoggerFactory.getLogger(SetBasedRetry.class);

    private final JobStore store;
    private final TaskOutbox outbox;
    private final JobSnapshots snapshots;
    private final Clock clock;

    public SetBasedRetry(JobStore store, TaskOutbox outbox, JobSnapshots snapshots, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    /**
     * Retries, in one transaction, the failed jobs of the project that {@code ownerFilter} owns (null: everyone's),
     * whose media item has not expired, and that no other transaction holds now.
     *
     * @return how many it retried
     */
    public Mono<Long> retryUnheld(String ownerFilter, String projectId) {
        return Mono.defer(() -> {
            Mono<List<ItemSnapshot>> change = store.lockRetryableWithoutWaiting(ownerFilter, projectId)
                    .collectList()
                    .flatMap(locked -> locked.isEmpty() ? Mono.just(List.<ItemSnapshot>of()) : retry(locked));
            return snapshots.commitAll(change, (jobs, transactionMs, snapshotsMs) -> log.info("{} failed job(s) of "
                    + "project {} retried in one transaction of {} ms; their Redis snapshots written in {} ms after it",
                    jobs, projectId, transactionMs, snapshotsMs));
        });
    }

    /** In the transaction, the jobs' rows locked: saves their next runs, resets their tasks, sends them, snapshots. */
    private Mono<List<ItemSnapshot>> retry(List<JobWithMedia> locked) {
        List<JobRow> next = locked.stream().map(item -> item.job().nextRun()).toList();
        List<TaskMessage> tasks = new ArrayList<>();
        for (int i = 0; i < locked.size(); i++) {
            tasks.addAll(JobActions.tasks(locked.get(i).media(), next.get(i)));
        }
        return store.saveJobsVersioned(next)
                .collectMap(JobVersion::jobId, JobVersion::version)
                .flatMap(versions -> {
                    if (versions.size() != next.size()) {
                        // the rows are locked: this cannot happen, and the transaction rolls back if it does
                        return Mono.error(new IllegalStateException("retried " + versions.size() + " of the "
                                + next.size() + " locked jobs"));
                    }
                    return store.resetTasks(next)
                            .then(outbox.add(tasks))
                            .then(Mono.defer(() -> snapshots.captureAll(saved(locked, next, versions))));
                });
    }

    private List<SavedChange> saved(List<JobWithMedia> locked, List<JobRow> next, Map<UUID, Long> versions) {
        Instant now = clock.instant();
        List<SavedChange> saved = new ArrayList<>(next.size());
        for (int i = 0; i < next.size(); i++) {
            JobRow job = next.get(i);
            saved.add(new SavedChange(new JobStatusSnapshot(job, 0, now), versions.get(job.id()), locked.get(i).media()));
        }
        return saved;
    }
}
