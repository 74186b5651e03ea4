package dev.mediaflow.queue.support;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.messages.MediaType;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.StorageLayout;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds the events of one job, with fixed times so that runs are comparable. */
public final class Events {

    public static final Instant T0 = Instant.parse("2026-01-10T12:00:00Z");

    public final UUID jobId;
    public final UUID mediaItemId;
    public final String owner;
    private final List<Operation> operations;
    private final int maxAttempts;
    private int priority = 42;
    private String projectId = "project-1";
    private String batchId = "batch-1";
    private String correlationId;
    private String sha256 = "ab".repeat(32);
    private Instant createdAt = T0;

    public Events(String owner, List<Operation> operations, int maxAttempts) {
        this(UUID.randomUUID(), UUID.randomUUID(), owner, operations, maxAttempts);
    }

    private Events(UUID jobId, UUID mediaItemId, String owner, List<Operation> operations, int maxAttempts) {
        this.jobId = jobId;
        this.mediaItemId = mediaItemId;
        this.owner = owner;
        this.operations = operations;
        this.maxAttempts = maxAttempts;
    }

    /** The events of another job of the same media item (e.g. one made by enqueue). */
    public Events otherJob(UUID otherJobId, List<Operation> otherOperations) {
        return new Events(otherJobId, mediaItemId, owner, otherOperations, maxAttempts);
    }

    public static Events allOperations(String owner) {
        return new Events(owner, Operation.standard(), 3);
    }

    public Events priority(int value) {
        priority = value;
        return this;
    }

    /** The correlation id of the upload, recorded with the job. */
    public Events correlation(String id) {
        correlationId = id;
        return this;
    }

    public Events project(String project, String batch) {
        projectId = project;
        batchId = batch;
        return this;
    }

    /** The upload's content hash (the default is the same for every job). */
    public Events sha256(String hex) {
        sha256 = hex;
        return this;
    }

    /** Uploaded this many seconds after {@link #T0} (default: at it). */
    public Events createdAfter(int seconds) {
        createdAt = T0.plusSeconds(seconds);
        return this;
    }

    public JobSubmission submission() {
        return new JobSubmission(jobId, mediaItemId, owner, "holiday.jpg", MediaType.PHOTO, 1_234_567L,
                sha256, StorageLayout.uploadPath(owner, mediaItemId, "jpg"),
                StorageLayout.outputDir(owner, mediaItemId), operations, priority, maxAttempts, projectId, batchId,
                1, createdAt, correlationId);
    }

    public JobEvent submitted() {
        return JobEvent.submitted(submission());
    }

    public JobEvent task(EventType type, WorkerKind worker, int run, int attempt, int secondsAfterT0) {
        return new JobEvent(UUID.randomUUID(), type, jobId, mediaItemId, owner, worker, run, attempt, maxAttempts,
                T0.plusSeconds(secondsAfterT0), worker.json() + "-worker-1", null, null, null, null, null);
    }

    public JobEvent started(WorkerKind worker, int attempt, int s) {
        return task(EventType.TASK_STARTED, worker, 1, attempt, s);
    }

    public JobEvent progress(WorkerKind worker, int attempt, int percent, int s) {
        return task(EventType.TASK_PROGRESS, worker, 1, attempt, s).withProgress(percent);
    }

    public JobEvent failed(WorkerKind worker, int attempt, String error, int s) {
        return task(EventType.TASK_FAILED, worker, 1, attempt, s).withError(error);
    }

    public JobEvent retrying(WorkerKind worker, int attempt, String error, int s) {
        return task(EventType.TASK_RETRYING, worker, 1, attempt, s).withError(error);
    }

    public JobEvent dead(WorkerKind worker, int attempt, String error, int s) {
        return task(EventType.TASK_DEAD, worker, 1, attempt, s).withError(error);
    }

    public JobEvent imageSucceeded(int run, int attempt, int s) {
        return task(EventType.TASK_SUCCEEDED, WorkerKind.IMAGE, run, attempt, s).withOutcome(1500L, Map.of(
                "thumbnail", VariantResult.of(320, 240, 9_000),
                "blur", VariantResult.of(640, 480, 20_000),
                "low-quality", VariantResult.of(1280, 960, 60_000)));
    }

    public JobEvent visionSucceeded(int run, int attempt, int s) {
        return task(EventType.TASK_SUCCEEDED, WorkerKind.VISION, run, attempt, s).withOutcome(4200L, Map.of(
                "depth", new VariantResult(1024, 768, 300_000, "depth-anything-v2-small")));
    }
}
