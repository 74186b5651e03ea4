package dev.mediaflow.worker.meters;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What this worker did with its tasks: {@code mediaflow_tasks_total{outcome,kind}} and, for each task that
 * succeeded, {@code mediaflow_task_duration_seconds{operation,media_type,kind}}.
 *
 * <p>Why the worker counts itself: {@code TaskProcessor} settles a failed task on its own (into a retry queue or
 * the parking lot) and returns normally, so Spring AMQP's listener timer saw every task as
 * {@code result="success"}. That timer is switched off on the task container; these meters are the truth.
 *
 * <p>The outcomes mirror the events the worker publishes: a failed attempt counts once as {@code failed} and once
 * more as {@code retrying} or {@code dead}, so the failure rate is {@code failed / (succeeded + failed)} and the
 * dead-letter rate is {@code dead}. A task refused before it ran (paths not its own) is {@code failed} and
 * {@code dead}; an unreadable message only {@code dead}. Every outcome exists from the start at 0, so a rate over
 * it is 0 rather than absent.
 *
 * <p>{@code operation} is the task's operations for this kind joined with {@code +} in a fixed order
 * ({@code thumbnail+blur+low-quality}, {@code depth}): one task makes them all from one decode, so their times
 * cannot be told apart; there are at most seven values. {@code media_type} separates a photo's milliseconds from
 * a video's seconds. Failed attempts are not in the histogram: a corrupt file fails in a millisecond and would pull
 * the percentiles of real work down.
 */
public class TaskMeters {

    /** From a small thumbnail (a few ms) to a long video frame seek and depth pass (minutes). */
    static final Duration[] DURATION_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ofSeconds(600)};

    private final MeterRegistry registry;
    private final WorkerKind kind;
    private final Map<TaskOutcome, Counter> outcomes = new EnumMap<>(TaskOutcome.class);

    public TaskMeters(MeterRegistry registry, WorkerKind kind) {
        this.registry = registry;
        this.kind = kind;
        for (TaskOutcome outcome : TaskOutcome.values()) {
            outcomes.put(outcome, Counter.builder("mediaflow.tasks")
                    .description("task attempts by how they ended (a failed attempt also counts as retrying or dead)")
                    .tag("outcome", outcome.tag())
                    .tag("kind", kind.json())
                    .register(registry));
        }
    }

    public void count(TaskOutcome outcome) {
        outcomes.get(outcome).increment();
    }

    /** A task whose outputs are in place, after {@code nanos} of work. */
    public void succeeded(TaskMessage task, long nanos) {
        count(TaskOutcome.SUCCEEDED);
        Timer.builder("mediaflow.task.duration")
                .description("time a successful task took, from its start to its outputs in place")
                .tag("kind", kind.json())
                .tag("operation", operations(task, kind))
                .tag("media_type", task.mediaType() == null ? "unknown" : task.mediaType().json())
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    static String operations(TaskMessage task, WorkerKind kind) {
        String ops = Operation.forWorker(task.operations(), kind).stream()
                .sorted()
                .map(Operation::json)
                .collect(Collectors.joining("+"));
        return ops.isEmpty() ? "none" : ops;
    }
}
