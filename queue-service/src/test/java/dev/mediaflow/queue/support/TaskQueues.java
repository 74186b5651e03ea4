package dev.mediaflow.queue.support;

import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.messages.WorkerKind;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads the task queues of this run's vhost, where no worker consumes. */
public final class TaskQueues {

    /** Messages taken off a queue while looking for another job's: kept for whoever asks for them. */
    private static final Map<WorkerKind, List<Message>> PASSED_OVER = new ConcurrentHashMap<>();

    private TaskQueues() {
    }

    public static synchronized Message receive(RabbitTemplate rabbit, WorkerKind kind, UUID jobId) {
        List<Message> passedOver = PASSED_OVER.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>());
        for (Iterator<Message> it = passedOver.iterator(); it.hasNext(); ) {
            Message message = it.next();
            if (jobOf(message).equals(jobId)) {
                passedOver.remove(message);
                return message;
            }
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            Message message = rabbit.receive(kind.queue(), 1000);
            if (message == null) {
                continue;
            }
            if (jobOf(message).equals(jobId)) {
                return message;
            }
            passedOver.add(message);
        }
        throw new AssertionError("no " + kind.json() + " task for job " + jobId);
    }

    /** Keeps a message taken off a queue that belongs to no job of the caller, for whoever asks for it. */
    public static void passOver(WorkerKind kind, Message message) {
        PASSED_OVER.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(message);
    }

    /**
     * Every message now on the worker kind's queue, until it stays empty for two seconds: those of {@code jobs} by
     * job, in the order they came; the others passed over for the tests they belong to.
     */
    public static Map<UUID, List<Message>> drain(RabbitTemplate rabbit, WorkerKind kind, Set<UUID> jobs) {
        Map<UUID, List<Message>> mine = new HashMap<>();
        Message message;
        while ((message = rabbit.receive(kind.queue(), 2000)) != null) {
            UUID jobId = jobOf(message);
            if (jobs.contains(jobId)) {
                mine.computeIfAbsent(jobId, id -> new ArrayList<>()).add(message);
            } else {
                passOver(kind, message);
            }
        }
        return mine;
    }

    public static TaskMessage receiveTask(RabbitTemplate rabbit, WorkerKind kind, UUID jobId) {
        return Json.read(receive(rabbit, kind, jobId).getBody(), TaskMessage.class);
    }

    private static UUID jobOf(Message message) {
        return Json.read(message.getBody(), TaskMessage.class).jobId();
    }
}
