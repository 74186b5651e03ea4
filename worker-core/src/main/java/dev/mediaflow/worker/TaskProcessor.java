package dev.mediaflow.worker;

import dev.mediaflow.messages.EventType;
import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.StorageLayout;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.TopologyDeclarations;
import dev.mediaflow.messages.VariantResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One task's life, from the message body to the acknowledgement decision. Every event is
 * confirmed by the broker before the message is settled, so a crash at any point redelivers.
 */
public class TaskProcessor {

    /** How the delivery is settled once {@link #process} returns. */
    public enum Outcome {
        /** done, retried elsewhere, or nothing to do */
        ACK,
        /** nack without requeue: the task queue dead-letters it into the parking lot */
        REJECT
    }

    private static final Logger log = LoggerFactory.getLogger(TaskProcessor.class);

    private final TaskHandler handler;
    private final EventPublisher events;
    private final TaskFlags flags;
    private final WorkerState state;
    private final Path storageRoot;
    private final List<Duration> retryDelays;

    public TaskProcessor(TaskHandler handler, EventPublisher events, TaskFlags flags, WorkerState state,
                         Path storageRoot, List<Duration> retryDelays) {
        this.handler = handler;
        this.events = events;
        this.flags = flags;
        this.state = state;
        this.storageRoot = storageRoot;
        this.retryDelays = retryDelays;
    }

    /** How often one attempt may be started (its worker dying in it each time) before it counts as failed. */
    static final int MAX_STARTS_PER_ATTEMPT = 3;

    public Outcome process(byte[] body) {
        TaskMessage task;
        try {
            task = Json.read(body, TaskMessage.class);
            validate(task);
        } catch (RuntimeException e) {
            log.error("Unreadable task message parked in {}: {}", Topology.DLQ, e.getMessage());
            return Outcome.REJECT;
        }
        if (flags.cancelled(task)) {
            log.info("Job {} was cancelled; skipping its {} task", task.jobId(), task.worker().json());
            events.publish(event(EventType.TASK_CANCELLED, task));
            return Outcome.ACK;
        }
        if (flags.done(task)) {
            log.info("Job {} {} task run {} already done; redelivery ignored", task.jobId(), task.worker().json(), task.run());
            return Outcome.ACK;
        }
        long starts = flags.countStart(task);
        if (starts > MAX_STARTS_PER_ATTEMPT) {
            // a task that kills its worker must not come back forever at the head of the queue
            state.started(task.jobId());
            return failed(task, new IllegalStateException("the worker stopped " + (starts - 1)
                    + " times while processing this task (crash or kill)"), 0);
        }
        return run(task);
    }

    private Outcome run(TaskMessage task) {
        long start = System.nanoTime();
        state.started(task.jobId());
        Path outputDir = null;
        try {
            Path input = StorageLayout.resolve(storageRoot, task.inputPath());
            outputDir = StorageLayout.resolve(storageRoot, task.outputDir());
            events.publish(event(EventType.TASK_STARTED, task));
            log.info("Job {} {} task attempt {}/{} started", task.jobId(), task.worker().json(), task.attempt(), task.maxAttempts());
            Files.createDirectories(outputDir);
            TaskContext context = new TaskContext(task, input, outputDir,
                    () -> checkpoint(task),
                    percent -> events.publish(event(EventType.TASK_PROGRESS, task).withProgress(percent)));
            Map<String, VariantResult> results = handler.handle(context);
            checkpoint(task);
            long ms = (System.nanoTime() - start) / 1_000_000;
            events.publish(event(EventType.TASK_SUCCEEDED, task).withOutcome(ms, results));
            flags.markDone(task);
            state.finished(task.jobId(), true);
            log.info("Job {} {} task succeeded in {} ms: {}", task.jobId(), task.worker().json(), ms, results.keySet());
            return Outcome.ACK;
        } catch (TaskCancelledException e) {
            removeOutputs(task, outputDir);
            events.publish(event(EventType.TASK_CANCELLED, task));
            state.left(task.jobId());
            log.info("Job {} {} task cancelled; partial outputs removed", task.jobId(), task.worker().json());
            return Outcome.ACK;
        } catch (Exception | Error e) {
            // an Error (out of memory, say) fails this attempt too, if the JVM can still publish
            return failed(task, e, (System.nanoTime() - start) / 1_000_000);
        }
    }

    private Outcome failed(TaskMessage task, Throwable cause, long ms) {
        String error = describe(cause);
        state.finished(task.jobId(), false);
        events.publish(event(EventType.TASK_FAILED, task).withError(error).withOutcome(ms, null));
        if (task.lastAttempt()) {
            events.publish(event(EventType.TASK_DEAD, task).withError(error));
            log.warn("Job {} {} task failed on its last attempt {}/{}, parked in {}: {}", task.jobId(),
                    task.worker().json(), task.attempt(), task.maxAttempts(), Topology.DLQ, error);
            return Outcome.REJECT;
        }
        Duration delay = TopologyDeclarations.delayAfter(retryDelays, task.attempt());
        events.publishRetry(task.nextAttempt(), Topology.waitRoutingKey(task.worker(), delay));
        events.publish(event(EventType.TASK_RETRYING, task).withError(error));
        log.warn("Job {} {} task attempt {}/{} failed, retrying in {}: {}", task.jobId(), task.worker().json(),
                task.attempt(), task.maxAttempts(), delay, error);
        return Outcome.ACK;
    }

    private void checkpoint(TaskMessage task) {
        if (flags.cancelled(task)) {
            throw new TaskCancelledException("job " + task.jobId() + " was cancelled");
        }
    }

    private JobEvent event(EventType type, TaskMessage task) {
        return JobEvent.forTask(type, task, state.id());
    }

    private void removeOutputs(TaskMessage task, Path outputDir) {
        if (outputDir == null) {
            return;
        }
        for (Operation op : task.operations()) {
            try {
                Files.deleteIfExists(outputDir.resolve(op.fileName()));
            } catch (IOException e) {
                log.warn("Could not remove partial output {}: {}", outputDir.resolve(op.fileName()), e.getMessage());
            }
        }
    }

    private static void validate(TaskMessage task) {
        if (task.jobId() == null || task.worker() == null || task.inputPath() == null || task.outputDir() == null
                || task.operations() == null || task.operations().isEmpty() || task.maxAttempts() < 1 || task.attempt() < 1) {
            throw new IllegalArgumentException("task message lacks jobId, worker, paths, operations or attempts");
        }
    }

    /** The error as the API shows it: never a server path (CONTRACT.md: no server path anywhere in the API). */
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
