package dev.mediaflow.worker;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * This instance's state and counters: reported to Redis by the heartbeat and to Prometheus by
 * {@link WorkerStateMeters} (the counters' Prometheus twins are
 * {@code mediaflow_tasks_total}, kept by {@link dev.mediaflow.worker.meters.TaskMeters}).
 */
public class WorkerState {

    private final String id;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ConcurrentHashMap<UUID, Boolean> current = new ConcurrentHashMap<>();
    private volatile Runnable onChange = () -> { };

    public WorkerState(String id) {
        this.id = id;
    }

    /** Called after every change, so status readers need not wait for the next heartbeat. */
    void onChange(Runnable listener) {
        this.onChange = listener;
    }

    public String id() {
        return id;
    }

    public boolean paused() {
        return paused.get();
    }

    void setPaused(boolean value) {
        paused.set(value);
        onChange.run();
    }

    void started(UUID jobId) {
        current.put(jobId, Boolean.TRUE);
        onChange.run();
    }

    void finished(UUID jobId, boolean success) {
        current.remove(jobId);
        (success ? processed : failed).incrementAndGet();
        onChange.run();
    }

    void left(UUID jobId) {
        current.remove(jobId);
        onChange.run();
    }

    public long processed() {
        return processed.get();
    }

    public long failed() {
        return failed.get();
    }

    /** How many tasks this instance is working on now. */
    public int tasksInHand() {
        return current.size();
    }

    /** Comma-separated ids of the jobs in hand; empty when idle. */
    public String currentJobs() {
        return current.keySet().stream().map(UUID::toString).collect(Collectors.joining(","));
    }
}
