package dev.mediaflow.queue.job;

import dev.mediaflow.messages.WorkerKind;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A job's status and timings from its tasks of the current run: completed when every expected
 * task succeeded, failed when every one is final and one is dead, processing once any started,
 * else queued. A final status (including cancelled) stays until an explicit retry, except that a
 * failed job whose tasks all succeeded after all (a copy's success arrived after another copy's
 * death) is completed; timings are
 * still refreshed from the tasks so that late, out-of-order events end in the same row.
 */
public final class JobStatusDeriver {

    private JobStatusDeriver() {
    }

    public static JobRow derive(JobRow job, Collection<TaskRow> tasks) {
        Map<WorkerKind, TaskRow> current = currentTasks(job, tasks);
        Set<WorkerKind> expected = job.expectedWorkers();

        int attempts = current.values().stream().mapToInt(TaskRow::attempt).max().orElse(0);
        Instant startedAt = current.values().stream().map(TaskRow::startedAt).filter(Objects::nonNull)
                .min(Instant::compareTo).orElse(null);
        JobStatus derived = statusOf(expected, current);
        // a late success of another copy turns a failed job into a completed one; nothing else leaves a final status
        JobStatus status = !job.status().isFinal()
                || job.status() == JobStatus.FAILED && derived == JobStatus.COMPLETED ? derived : job.status();

        String lastError = current.values().stream().filter(t -> t.status() == TaskStatus.DEAD)
                .map(TaskRow::lastError).filter(Objects::nonNull).findFirst()
                .orElseGet(() -> current.values().stream().map(TaskRow::lastError).filter(Objects::nonNull)
                        .findFirst().orElse(null));

        Instant completedAt = job.completedAt();
        if (status == JobStatus.COMPLETED || status == JobStatus.FAILED) {
            completedAt = current.values().stream().map(TaskRow::finishedAt).filter(Objects::nonNull)
                    .max(Instant::compareTo).orElse(completedAt);
        }
        Long durationMs = completedAt != null && startedAt != null
                ? Math.max(0, completedAt.toEpochMilli() - startedAt.toEpochMilli())
                : null;

        return new JobRow(job.id(), job.mediaItemId(), job.owner(), status, job.run(), job.priority(), attempts,
                job.maxAttempts(), lastError, job.operations(), job.projectId(), job.batchId(), job.queuedAt(),
                startedAt, completedAt, durationMs);
    }

    /** 0..100: the mean progress of the expected tasks of the current run. */
    public static int progress(JobRow job, Collection<TaskRow> tasks) {
        Map<WorkerKind, TaskRow> current = currentTasks(job, tasks);
        Set<WorkerKind> expected = job.expectedWorkers();
        if (expected.isEmpty()) {
            return 0;
        }
        int sum = expected.stream().mapToInt(kind -> current.containsKey(kind) ? current.get(kind).progress() : 0).sum();
        return sum / expected.size();
    }

    private static Map<WorkerKind, TaskRow> currentTasks(JobRow job, Collection<TaskRow> tasks) {
        Map<WorkerKind, TaskRow> current = new EnumMap<>(WorkerKind.class);
        for (TaskRow task : tasks) {
            if (task.run() == job.run() && job.expectedWorkers().contains(task.worker())) {
                current.put(task.worker(), task);
            }
        }
        return current;
    }

    private static JobStatus statusOf(Set<WorkerKind> expected, Map<WorkerKind, TaskRow> current) {
        boolean allPresent = current.keySet().containsAll(expected);
        if (allPresent && current.values().stream().allMatch(t -> t.status() == TaskStatus.SUCCEEDED)) {
            return JobStatus.COMPLETED;
        }
        if (allPresent && current.values().stream().allMatch(t -> t.status().isFinal())) {
            return current.values().stream().anyMatch(t -> t.status() == TaskStatus.DEAD)
                    ? JobStatus.FAILED
                    : JobStatus.CANCELLED;
        }
        if (current.values().stream().anyMatch(t -> t.status() != TaskStatus.QUEUED)) {
            return JobStatus.PROCESSING;
        }
        return JobStatus.QUEUED;
    }
}
