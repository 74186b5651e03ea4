package dev.mediaflow.worker;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.TopologyDeclarations;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.observability.LogContext;
import dev.mediaflow.worker.files.AttemptFolder;
import dev.mediaflow.worker.files.RefusedTaskException;
import dev.mediaflow.worker.files.TaskPaths;
import dev.mediaflow.worker.meters.TaskMeters;
import dev.mediaflow.worker.meters.TaskOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One task's life, from the message body to the acknowledgement decision. Every event is
 * confirmed by the broker before the message is settled, so a crash at any point redelivers.
 *
 * <p>Three kinds of trouble, three answers: the task's own failure (its input, its handler) uses up an
 * attempt; infrastructure trouble (Redis, the broker) throws {@link InfrastructureException} out of
 * {@link #process}, and the listener hands the task back without counting anything; a task that can
 * never run (unreadable, or paths that are not its own) goes straight to the parking lot with a
 * {@code task.dead} event.
 *
 * <p>Every outcome is counted in {@link TaskMeters} where its event is published: failures are settled here,
 * not thrown, so nothing outside can tell them from successes.
 */
public class TaskProcessor {

    /** How the delivery is settled once {@link #process} returns. */
    public enum Outcome {
        /** done, retried elsewhere, or nothing to do */
        ACK,
        /** nack without requeue: the task queue dead-letters it into the parking lot */
        REJECT
    }

    /** How often a worker may die in one attempt (crash, kill) before the attempt counts as failed. */
    static final int MAX_DEATHS = 3;

    private static final Logger log = LoggerFactory.getLogger(TaskProcessor.class);

    private final TaskHandler handler;
    private final EventPublisher events;
    private final TaskFlags flags;
    private final AttemptClaims claims;
    private final WorkerState state;
    private final TaskMeters meters;
    private final Path storageRoot;
    private final List<Duration> retryDelays;
    private final Duration progressInterval;

    /** @param progressInterval the least time between two of a task's progress events ({@link PacedProgress}) */
    public TaskProcessor(TaskHandler handler, EventPublisher events, TaskFlags flags, AttemptClaims claims,
                         WorkerState state, TaskMeters meters, Path storageRoot, List<Duration> retryDelays,
                         Duration progressInterval) {
        this.handler = handler;
        this.events = events;
        this.flags = flags;
        this.claims = claims;
        this.state = state;
        this.meters = meters;
        this.storageRoot = storageRoot;
        this.retryDelays = retryDelays;
        this.progressInterval = progressInterval;
    }

    /** {@link #process(byte[], int)} for the first copy of a task. */
    public Outcome process(byte[] body) {
        return process(body, 0);
    }

    /**
     * @param copy which copy of its task the message is (0: the first; priority aging sends more): a copy of an
     *             attempt that another copy already took is acknowledged and dropped, without any event
     * @throws InfrastructureException when Redis or the broker failed: hand the task back
     */
    public Outcome process(byte[] body, int copy) {
        TaskMessage task;
        try {
            task = Json.read(body, TaskMessage.class);
            LogContext.jobId(task.jobId());
            validate(task);
        } catch (RuntimeException e) {
            return unreadable(body, e);
        }
        TaskPaths paths;
        try {
            paths = TaskPaths.of(storageRoot, task);
        } catch (RefusedTaskException e) {
            return refused(task, e.getMessage());
        }
        // the cancel flag, the done flag and the claim: one round trip
        TaskStart start = claims.start(task, copy);
        if (start.kind() == TaskStart.Kind.CANCELLED) {
            log.info("Job {} was cancelled; skipping its {} task", task.jobId(), task.worker().json());
            events.publish(event(EventType.TASK_CANCELLED, task));
            meters.count(TaskOutcome.CANCELLED);
            return Outcome.ACK;
        }
        long deaths;
        if (start.kind() == TaskStart.Kind.DONE) {
            Optional<JobEvent> done = TaskFlags.doneEvent(start.done());
            if (done.isPresent()) {
                // the first task.succeeded may never have been applied; sending it again is harmless
                events.publish(done.get());
                log.info("Job {} {} task run {} already done; its task.succeeded sent again", task.jobId(),
                        task.worker().json(), task.run());
                return Outcome.ACK;
            }
            // a flag that holds no event reads as not done: the task runs again, claimed as before
            deaths = claims.claim(task, copy);
        } else {
            deaths = start.kind() == TaskStart.Kind.OTHER_COPY ? AttemptClaims.OTHER_COPY : start.deaths();
        }
        if (deaths == AttemptClaims.OTHER_COPY) {
            log.info("Job {} {} task attempt {} was taken by another copy; this copy ({}) is dropped", task.jobId(),
                    task.worker().json(), task.attempt(), copy);
            return Outcome.ACK;
        }
        try {
            if (deaths >= MAX_DEATHS) {
                // a task that kills its worker must not come back forever at the head of the queue
                state.started(task.jobId());
                return failed(task, new IllegalStateException("the worker stopped " + deaths
                        + " times while processing this task (crash or kill)"), 0);
            }
            return run(task, paths);
        } finally {
            claims.release(task);
        }
    }

    private Outcome run(TaskMessage task, TaskPaths paths) {
        long start = System.nanoTime();
        state.started(task.jobId());
        AttemptFolder folder = null;
        try {
            events.publish(event(EventType.TASK_STARTED, task));
            log.info("Job {} {} task attempt {}/{} started", task.jobId(), task.worker().json(), task.attempt(), task.maxAttempts());
            folder = AttemptFolder.create(storageRoot, task, paths.outputDir());
            TaskContext context = new TaskContext(task, paths.input(), folder.dir(),
                    () -> checkpoint(task), new PacedProgress(progressInterval, System::nanoTime,
                            percent -> events.publish(event(EventType.TASK_PROGRESS, task).withProgress(percent))));
            Map<String, VariantResult> results = handler.handle(context);
            checkpoint(task);
            folder.promote();
            long nanos = System.nanoTime() - start;
            long ms = nanos / 1_000_000;
            JobEvent succeeded = event(EventType.TASK_SUCCEEDED, task).withOutcome(ms, results);
            rememberDone(task, succeeded);
            events.publish(succeeded);
            state.finished(task.jobId(), true);
            meters.succeeded(task, nanos);
            log.info("Job {} {} task succeeded in {} ms: {}", task.jobId(), task.worker().json(), ms, results.keySet());
            return Outcome.ACK;
        } catch (TaskCancelledException e) {
            discard(folder);
            events.publish(event(EventType.TASK_CANCELLED, task));
            state.left(task.jobId());
            meters.count(TaskOutcome.CANCELLED);
            log.info("Job {} {} task cancelled; its partial outputs removed", task.jobId(), task.worker().json());
            return Outcome.ACK;
        } catch (Exception | Error e) {
            discard(folder);
            if (InfrastructureException.in(e)) {
                state.left(task.jobId());
                throw e instanceof InfrastructureException ie ? ie : new InfrastructureException("task handed back", e);
            }
            // an Error (out of memory, say) fails this attempt too, if the JVM can still publish
            return failed(task, e, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /**
     * The outputs are in place: a Redis failure now must not turn the success into a retry (and, on the
     * last attempt, a false dead letter). Without the flag a redelivery would only redo the same work.
     */
    private void rememberDone(TaskMessage task, JobEvent succeeded) {
        try {
            flags.markDone(task, succeeded);
        } catch (InfrastructureException e) {
            log.warn("Job {} {} task succeeded but its done flag could not be stored: {}", task.jobId(),
                    task.worker().json(), e.getMessage());
        }
    }

    private Outcome failed(TaskMessage task, Throwable cause, long ms) {
        String error = describe(cause);
        state.finished(task.jobId(), false);
        events.publish(event(EventType.TASK_FAILED, task).withError(error).withOutcome(ms, null));
        meters.count(TaskOutcome.FAILED);
        if (task.lastAttempt()) {
            events.publish(event(EventType.TASK_DEAD, task).withError(error));
            meters.count(TaskOutcome.DEAD);
            log.warn("Job {} {} task failed on its last attempt {}/{}, parked in {}: {}", task.jobId(),
                    task.worker().json(), task.attempt(), task.maxAttempts(), Topology.DLQ, error);
            return Outcome.REJECT;
        }
        Duration delay = TopologyDeclarations.delayAfter(retryDelays, task.attempt());
        events.publishRetry(task.nextAttempt(), Topology.waitRoutingKey(task.worker(), delay));
        events.publish(event(EventType.TASK_RETRYING, task).withError(error));
        meters.count(TaskOutcome.RETRYING);
        log.warn("Job {} {} task attempt {}/{} failed, retrying in {}: {}", task.jobId(), task.worker().json(),
                task.attempt(), task.maxAttempts(), delay, error);
        return Outcome.ACK;
    }

    /** A task that may never run: parked at once, whatever its attempt, with the reason in its events. */
    private Outcome refused(TaskMessage task, String reason) {
        log.error("Job {} {} task parked in {}: {}", task.jobId(), task.worker().json(), Topology.DLQ, reason);
        events.publish(event(EventType.TASK_FAILED, task).withError(reason));
        events.publish(event(EventType.TASK_DEAD, task).withError(reason));
        meters.count(TaskOutcome.FAILED);
        meters.count(TaskOutcome.DEAD);
        return Outcome.REJECT;
    }

    /**
     * Parked, and the job told so whenever its id can be read: otherwise it would wait for this task
     * forever. Fields that cannot be read fall back to this worker's kind and the first run and attempt.
     */
    private Outcome unreadable(byte[] body, RuntimeException cause) {
        String reason = "unreadable task message: " + describe(cause);
        Optional<JobEvent> dead = UnreadableTask.deadEvent(body, handler.kind(), state.id(), reason);
        if (dead.isPresent()) {
            events.publish(dead.get());
            log.error("Task of job {} parked in {}: {}", dead.get().jobId(), Topology.DLQ, reason);
        } else {
            log.error("Task message without a readable jobId parked in {}: {}", Topology.DLQ, reason);
        }
        meters.count(TaskOutcome.DEAD);
        return Outcome.REJECT;
    }

    private void checkpoint(TaskMessage task) {
        if (flags.cancelled(task)) {
            throw new TaskCancelledException("job " + task.jobId() + " was cancelled");
        }
    }

    private JobEvent event(EventType type, TaskMessage task) {
        return JobEvent.forTask(type, task, state.id());
    }

    private static void discard(AttemptFolder folder) {
        if (folder != null) {
            folder.discard();
        }
    }

    private static void validate(TaskMessage task) {
        if (task.jobId() == null || task.worker() == null || task.inputPath() == null || task.outputDir() == null
                || task.operations() == null || task.operations().isEmpty() || task.maxAttempts() < 1 || task.attempt() < 1
                || task.run() < 1) {
            throw new IllegalArgumentException("task message lacks jobId, worker, paths, operations, run or attempts");
        }
    }

    /** The error as the API shows it: never a server path (docs/api.md: no server path anywhere in the API). */
    private String describe(Throwable e) {
        String message;
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            String reason = fs.getReason() == null ? "" : ": " + fs.getReason();
            message = e.getClass().getSimpleName() + " " + Path.of(fs.getFile()).getFileName() + reason;
        } else {
            message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        message = message.replace(storageRoot.toAbsolutePath().normalize() + "/", "")
                .replace(storageRoot.toAbsolutePath().normalize().toString(), "storage");
        return message.length() > 2000 ? message.substring(0, 2000) : message;
    }
}
