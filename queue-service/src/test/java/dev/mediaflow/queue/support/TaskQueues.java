package dev.mediaflow.queue.support;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.util.UUID;

/** Reads the task queues of this run's vhost, where no worker consumes. */
public final class TaskQueues {

    private TaskQueues() {
    }

    /** Other tests publish to the same queue too: their messages are skipped (and gone). */
    public static Message receive(RabbitTemplate rabbit, WorkerKind kind, UUID jobId) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            Message message = rabbit.receive(kind.queue(), 1000);
            if (message != null && Json.read(message.getBody(), TaskMessage.class).jobId().equals(jobId)) {
                return message;
            }
        }
        throw new AssertionError("no " + kind.json() + " task for job " + jobId);
    }

    public static TaskMessage receiveTask(RabbitTemplate rabbit, WorkerKind kind, UUID jobId) {
        return Json.read(receive(rabbit, kind, jobId).getBody(), TaskMessage.class);
    }
}
