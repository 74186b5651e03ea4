package dev.mediaflow.queue.events;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.queue.attempts.AttemptLog;
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
 * after the last: the attempts log in one statement (or as many as the most events of one attempt), every changed
 * task in one and every changed job in one, each job's version raised by its number of changes, so that each change
 * keeps a version of its own (issue 14, section 3: three or four statements a batch where there were one per task
 * event, one per job and one per changed task). The rows are the batch's, locked since its start.
 */
final class JobWrites {

    private final List<JobEvent> attempts = new ArrayList<>();
    private final List<TaskRow> tasks = new ArrayList<>();
    private final List<ChangedJob> jobs = new ArrayList<>();

    /** A job as the last of its {@code changes} in the batch left it. */
    private record ChangedJob(JobRow job, List<JobStatusSnapshot> changes, MediaItemRow media) {
    }

    /** A task event for the attempts log, in the batch's order of each job's events. */
    void attempt(JobEvent taskEvent) {
        attempts.add(taskEvent);
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
    Mono<Map<UUID, List<SavedChange>>> save(JobStore store, AttemptLog attemptLog) {
        return attemptLog.recordAll(attempts)
                .then(store.saveTasks(tasks))
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
