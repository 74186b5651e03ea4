package dev.mediaflow.queue.dead;

import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.items.JobActions;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.job.TaskRow;
import dev.mediaflow.queue.job.TaskStatus;
import dev.mediaflow.queue.messaging.TaskOutbox;
import dev.mediaflow.queue.status.JobSnapshots;
import dev.mediaflow.queue.status.JobStatusSnapshot;
import dev.mediaflow.queue.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Sends a parked job back to {@code queued} as a new run, in one transaction holding the job's
 * lock. Unlike a retry, the tasks that succeeded are carried into the new run as they are, so
 * only the dead tasks run again (their messages go through the outbox like every other). A job whose
 * media item expired ({@code MEDIAFLOW_FILE_TTL}) has no original to run on and is left where it is.
 */
@Service
public class JobReplayer {

    private static final Logger log = LoggerFactory.getLogger(JobReplayer.class);

    private final JobStore store;
    private final TaskOutbox outbox;
    private final JobSnapshots snapshots;
    private final Clock clock;

    public JobReplayer(JobStore store, TaskOutbox outbox, JobSnapshots snapshots, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    /** @return 1 when replayed, 0 when the job left the parking lot meanwhile or its media item expired */
    public Mono<Long> replay(UUID jobId, String by) {
        Mono<JobStatusSnapshot> change = store.lockJob(jobId)
                .then(store.findJobForUpdate(jobId))
                .filter(job -> job.status() == JobStatus.FAILED)
                .flatMap(job -> store.findTasks(jobId).collectList().flatMap(tasks -> {
                    List<TaskRow> current = tasks.stream().filter(t -> t.run() == job.run()).toList();
                    if (current.stream().noneMatch(t -> t.status() == TaskStatus.DEAD)) {
                        return Mono.<JobStatusSnapshot>empty();
                    }
                    JobRow next = job.nextRun();
                    Set<WorkerKind> done = current.stream()
                            .filter(t -> t.status() == TaskStatus.SUCCEEDED).map(TaskRow::worker)
                            .collect(Collectors.toSet());
                    Flux<Long> rows = Flux.fromIterable(next.expectedWorkers()).concatMap(kind -> store.saveTask(
                            done.contains(kind) ? carried(current, kind, next.run()) : TaskRow.fresh(jobId, kind, next.run())));
                    return store.findMediaItemForShare(job.mediaItemId())
                            .switchIfEmpty(Mono.error(() -> new IllegalStateException("job " + jobId + " has no media item")))
                            .filter(media -> {
                                if (media.expired()) {
                                    log.info("Job {} not replayed: its media item {} expired at {}", jobId,
                                            media.id(), media.expiredAt());
                                }
                                return !media.expired();
                            })
                            .flatMap(media -> {
                                List<TaskMessage> again = JobActions.tasks(media, next).stream()
                                        .filter(task -> !done.contains(task.worker())).toList();
                                return store.saveJob(next)
                                        .thenMany(rows)
                                        .then(outbox.add(again))
                                        .then(Mono.fromSupplier(() -> new JobStatusSnapshot(next, 0, clock.instant())));
                            });
                }));
        return snapshots.commit(change)
                .doOnNext(job -> log.info("Job {} replayed from the parking lot by {}: run {}", jobId, by, job.run()))
                .map(job -> 1L)
                .defaultIfEmpty(0L);
    }

    private static TaskRow carried(List<TaskRow> current, WorkerKind kind, int run) {
        TaskRow t = current.stream().filter(r -> r.worker() == kind).findFirst().orElseThrow();
        return new TaskRow(t.jobId(), t.worker(), run, t.attempt(), t.status(), t.progress(), t.lastError(),
                t.errorRank(), t.workerId(), t.startedAt(), t.finishedAt(), t.durationMs());
    }
}
