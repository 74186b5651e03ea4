package dev.mediaflow.queue.messaging;

import dev.mediaflow.messages.TaskMessage;

/**
 * A task message as the outbox sends it: the message and the correlation id for its header (null:
 * none), so the worker logs the task under the id of the request that caused it.
 */
public record OutgoingTask(TaskMessage task, String correlationId) {
}
