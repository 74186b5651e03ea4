package dev.mediaflow.queue.meters;

import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.queue.job.JobRow;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.job.TaskRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs' story as the record tells it, counted when the change is committed:
 * <ul>
 *   <li>{@code mediaflow_jobs_final_total{status}}: jobs reaching {@code completed}, {@code failed} or
 *       {@code cancelled} (a job retried later and finishing again counts again);</li>
 *   <li>{@code mediaflow_job_duration_seconds{status}}: from the upload (the job's {@code queued_at}) to that final
 *       state, what a user waits for; only a job's first run, as a retried run would measure the time it lay
 *       failed before someone retried it;</li>
 *   <li>{@code mediaflow_job_wait_seconds{kind}}: from the upload to the first start of its {@code image} or
 *       {@code vision} task (first run only, for the same reason): how far each kind of worker is behind.</li>
 * </ul>
 * The times come from the record (the events' own times), not from when queue-service happened to apply them.
 * A failed job that a late success of another copy turns completed stays counted as failed: it reached a final
 * state once, and a counter cannot take that back.
 */
@Component
public class JobMeters {

    /** A thumbnail-only photo finishes in a fraction of a second; a backlog or a long video in hours. */
    static final Duration[] BUCKETS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
            Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
            Duration.ofHours(6)};

    private final Map<JobStatus, Counter> finals = new EnumMap<>(JobStatus.class);
    private final Map<JobStatus, Timer> durations = new EnumMap<>(JobStatus.class);
    private final Map<WorkerKind, Timer> waits = new EnumMap<>(WorkerKind.class);
    private final Clock clock;

    public JobMeters(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        for (JobStatus status : JobStatus.values()) {
            if (!status.isFinal()) {
                continue;
            }
            finals.put(status, Counter.builder("mediaflow.jobs.final")
                    .description("jobs that reached a final status")
                    .tag("status", status.json()).register(registry));
            durations.put(status, Timer.builder("mediaflow.job.duration")
                    .description("time from a job's upload to its final status (first run)")
                    .tag("status", status.json()).serviceLevelObjectives(BUCKETS).register(registry));
        }
        for (WorkerKind kind : WorkerKind.values()) {
            waits.put(kind, Timer.builder("mediaflow.job.wait")
                    .description("time from a job's upload until a worker of this kind started its task (first run)")
                    .tag("kind", kind.json()).serviceLevelObjectives(BUCKETS).register(registry));
        }
    }

    /** In the transaction that saves {@code after} over {@code before}; counted once it commits. */
    public Mono<Void> jobSaved(JobRow before, JobRow after) {
        return jobsSaved(List.of(before), List.of(after));
    }

    /**
     * {@link #jobSaved} for many jobs saved in one transaction ({@code before.get(i)} and {@code after.get(i)} are
     * one job), counted with one action once it commits.
     */
    public Mono<Void> jobsSaved(List<JobRow> before, List<JobRow> after) {
        if (before.size() != after.size()) {
            throw new IllegalArgumentException(before.size() + " jobs before, " + after.size() + " after");
        }
        List<JobRow> finished = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            if (!before.get(i).status().isFinal() && after.get(i).status().isFinal()) {
                finished.add(after.get(i));
            }
        }
        return finished.isEmpty() ? Mono.empty() : AfterCommit.run(() -> finished.forEach(this::finished));
    }

    private void finished(JobRow job) {
        finals.get(job.status()).increment();
        if (job.run() == 1) {
            Instant end = job.completedAt() != null ? job.completedAt() : clock.instant();
            record(durations.get(job.status()), job.queuedAt(), end);
        }
    }

    /** In the transaction that saves a task row of {@code job}; its first start of a run is a wait that ended. */
    public Mono<Void> taskSaved(JobRow job, TaskRow before, TaskRow after) {
        boolean firstStart = after.startedAt() != null && after.run() == 1 && job.run() == 1
                && (before == null || before.startedAt() == null);
        if (!firstStart) {
            return Mono.empty();
        }
        return AfterCommit.run(() -> record(waits.get(after.worker()), job.queuedAt(), after.startedAt()));
    }

    private static void record(Timer timer, Instant from, Instant to) {
        if (from != null && to != null) {
            timer.record(Duration.between(from, to).isNegative() ? Duration.ZERO : Duration.between(from, to));
        }
    }
}
