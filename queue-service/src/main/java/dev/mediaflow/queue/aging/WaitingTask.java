package dev.mediaflow.queue.aging;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.WorkerKind;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A task that waits in its queue.
 *
 * @param level the AMQP priority of its latest copy (the priority rule's until it was aged)
 * @param since when that copy was sent
 */
public record WaitingTask(UUID jobId, WorkerKind worker, int run, List<Operation> operations, int level,
                          Instant since) {

    /** Whether the job has a task for this worker at all (a photo without depth has no vision task). */
    boolean expected() {
        return Operation.workersFor(operations).contains(worker);
    }

    boolean sameState(WaitingTask other) {
        return other.jobId.equals(jobId) && other.worker == worker && other.run == run && other.level == level;
    }
}
