package dev.mediaflow.queue.events;

import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.TaskRow;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.JobStatusSnapshot;
import dev.mediaflow.queue.status.SavedChange;
import dev.mediaflow.queue.store.JobStore;
import dev.mediaflow.queue.store.JobVersion;
import dev.mediaflow.queue.store.MediaItemRow;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The writes of one event batch's jobs, folded one job after the other ({@link JobEventFold}) and written together
 * after the last: every changed task in one statement and every changed job in one, each job's version raised by
 * its number of changes, so that each change keeps a version of its own (issue 14, section 3: two statements a batch
 * where there were one per job and one per changed task). The rows are the batch's, locked since its start.
 */
final class JobWrites {

    private final List<TaskRow> tasks = new ArrayList<>();
    private final List<ChangedJob> jobs = new ArrayList<>();

    /** A job as the last of its {@code changes} in the batch left it. */
    private record ChangedJob(JobRow job, List<JobStatusSnapshot> changes, MediaItemRow media) {
    }

    /** The tasks one job's events changed, each as the last of them left it. */
    void tasks(Collection<TaskRow> changed) {
        tasks.addAll(changed);
    }

    /** One job's changes, in their order; the job as the last of them left it. */
    void job(JobRow job, List<JobStatusSnapshot> changes, MediaItemRow media) {
        if (!changes.isEmpty()) {
            jobs.add(new ChangedJob(job, List.copyOf(changes), media));
        }
    }

    /**
     * In the batch's transaction, after its last job. @return each changed job's changes with their versions, by job;
     * a job whose row is gone (none is, under its lock) has none
     */
    Mono<Map<UUID, List<SavedChange>>> save(JobStore store) {
        return store.saveTasks(tasks)
                .thenMany(store.saveJobsVersioned(jobs.stream().map(ChangedJob::job).toList(),
                        jobs.stream().map(c -> c.changes().size()).toList()))
                .collectMap(JobVersion::jobId, JobVersion::version)
                .map(versions -> {
                    Map<UUID, List<SavedChange>> saved = new HashMap<>();
                    for (ChangedJob changed : jobs) {
                        Long version = versions.get(changed.job().id());
                        if (version != null) {
                            saved.put(changed.job().id(),
                                    JobSnapshots.saved(changed.changes(), version, changed.media()));
                        }
                    }
                    return saved;
                });
    }
}
