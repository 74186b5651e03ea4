package dev.mediaflow.queue.messaging;

import dev.mediaflow.messages.TaskMessage;

/**
 * A task message as the outbox sends it: the message and the correlation id for its header (null:
 * none), so the worker logs the task under the id of the request that caused it.
 *
 * @param agedPriority the AMQP priority of a copy sent by priority aging; null: the job's own (the priority rule)
 */
public record OutgoingTask(TaskMessage task, String correlationId, Integer agedPriority) {

    public OutgoingTask(TaskMessage task, String correlationId) {
        this(task, correlationId, null);
    }
}
