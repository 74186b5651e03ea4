package dev.mediaflow.worker;

import dev.mediaflow.messages.WorkerKind;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * This instance's state as the heartbeat tells Redis, for Prometheus too: {@code mediaflow_worker_busy},
 * {@code mediaflow_worker_paused} (both 0 or 1) and {@code mediaflow_worker_tasks_in_hand}, each with
 * {@code kind}. The heartbeat feeds the API's worker list; a dashboard of busy and paused instances over time
 * needs the same state as series, one per instance (Prometheus adds the instance label).
 */
public class WorkerStateMeters implements MeterBinder {

    private final WorkerState state;
    private final WorkerKind kind;

    public WorkerStateMeters(WorkerState state, WorkerKind kind) {
        this.state = state;
        this.kind = kind;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("mediaflow.worker.busy", state, s -> s.tasksInHand() > 0 ? 1 : 0)
                .description("1 while this worker has a task in hand")
                .tag("kind", kind.json()).strongReference(true).register(registry);
        Gauge.builder("mediaflow.worker.paused", state, s -> s.paused() ? 1 : 0)
                .description("1 while this worker is paused (it takes no new task)")
                .tag("kind", kind.json()).strongReference(true).register(registry);
        Gauge.builder("mediaflow.worker.tasks.in.hand", state, WorkerState::tasksInHand)
                .description("tasks this worker is processing now")
                .tag("kind", kind.json()).strongReference(true).register(registry);
    }
}
