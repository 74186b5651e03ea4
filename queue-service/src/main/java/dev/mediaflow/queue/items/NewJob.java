package dev.mediaflow.queue.items;

import dev.mediaflow.messages.Operation;

import java.util.List;

/**
 * What a new job of an existing media item runs and how: the enqueue, the redo and the batch enqueue all
 * start one through {@link JobEnqueuer}.
 *
 * @param priority  null: from the priority rule (media type and size)
 * @param projectId null: none
 * @param batchId   null: none
 */
record NewJob(List<Operation> operations, int maxAttempts, Integer priority, String projectId, String batchId) {

    NewJob {
        operations = List.copyOf(operations);
    }
}
