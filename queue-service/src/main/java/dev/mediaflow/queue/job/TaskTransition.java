package dev.mediaflow.queue.job;

import dev.mediaflow.messages.JobEvent;

import java.time.Instant;

/**
 * Applies one task event to a task row. The result depends only on the set of events seen, not
 * on their order or on duplicates:
 * <ul>
 *   <li>an event of an older run changes nothing; one of a newer run starts the row afresh;</li>
 *   <li>the state moves to the event's (attempt, rank) when that is not lower than the current
 *       one, and never leaves a final state;</li>
 *   <li>except that a success of the run wins over any other state of that run, whatever its
 *       attempt: copies of one task can run at once (a redelivery, a lease republish), and a
 *       copy that failed must not undo the work of one that succeeded. Once succeeded, a task
 *       stays succeeded;</li>
 *   <li>{@code started_at} is the earliest start of the run, progress the highest of the
 *       current attempt, {@code last_error} the error of the highest (attempt, rank).</li>
 * </ul>
 */
public final class TaskTransition {

    private TaskTransition() {
    }

    /** @return the new row, or {@code current} itself when the event changes nothing */
    public static TaskRow apply(TaskRow current, JobEvent event) {
        TaskRow base = current == null || event.run() > current.run()
                ? TaskRow.fresh(event.jobId(), event.worker(), event.run())
                : current;
        if (event.run() < base.run()) {
            return current;
        }
        TaskStatus incoming = TaskStatus.of(event.type());
        Instant at = event.at();

        int attempt = base.attempt();
        TaskStatus status = base.status();
        int progress = base.progress();
        String lastError = base.lastError();
        int errorRank = base.errorRank();
        String workerId = base.workerId();
        Instant startedAt = base.startedAt();
        Instant finishedAt = base.finishedAt();
        Long durationMs = base.durationMs();

        if (incoming == TaskStatus.STARTED && at != null) {
            startedAt = startedAt == null || at.isBefore(startedAt) ? at : startedAt;
        }
        boolean successWins = incoming == TaskStatus.SUCCEEDED && status != TaskStatus.SUCCEEDED;
        boolean moves = successWins
                || !status.isFinal() && compare(event.attempt(), incoming.rank(), attempt, status.rank()) >= 0;
        if (moves) {
            if (event.attempt() > attempt) {
                progress = 0;
            }
            attempt = event.attempt();
            status = incoming;
            if (event.workerId() != null) {
                workerId = event.workerId();
            }
            if (incoming.isFinal()) {
                finishedAt = at;
                durationMs = event.durationMs();
            }
        }
        if (incoming == TaskStatus.PROGRESS && event.attempt() == attempt && event.progress() != null) {
            progress = Math.max(progress, Math.min(100, Math.max(0, event.progress())));
        }
        if (status == TaskStatus.SUCCEEDED) {
            progress = 100;
        }
        if (event.error() != null) {
            int rank = event.attempt() * 10 + incoming.rank();
            if (rank >= errorRank) {
                lastError = event.error();
                errorRank = rank;
            }
        }
        TaskRow next = new TaskRow(base.jobId(), base.worker(), base.run(), attempt, status, progress, lastError,
                errorRank, workerId, startedAt, finishedAt, durationMs);
        return next.equals(current) ? current : next;
    }

    private static int compare(int attemptA, int rankA, int attemptB, int rankB) {
        return attemptA != attemptB ? Integer.compare(attemptA, attemptB) : Integer.compare(rankA, rankB);
    }
}
