package dev.mediaflow.worker;

import dev.mediaflow.messages.JobEvent;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TaskMessage;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Cancellation, "already done" and pause flags in Redis. Every Redis failure is an
 * {@link InfrastructureException}: it hands the task back instead of failing it.
 */
public class TaskFlags {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration doneTtl;

    public TaskFlags(StringRedisTemplate redis, RedisKeys keys, Duration doneTtl) {
        this.redis = redis;
        this.keys = keys;
        this.doneTtl = doneTtl;
    }

    /** Cancel stores the highest cancelled run: a retry starts a newer run, which runs again. */
    public boolean cancelled(TaskMessage task) {
        String run = call("the cancellation check", () -> redis.opsForValue().get(keys.cancel(task.jobId())));
        try {
            return run != null && task.run() <= Integer.parseInt(run.trim());
        } catch (NumberFormatException e) {
            throw new InfrastructureException("the cancel flag of job " + task.jobId() + " is not a run number", e);
        }
    }

    /**
     * The {@code task.succeeded} event of this run when it already finished, to be sent again: the first
     * one may have been lost (a rolled-back retry that reused the run number, a queue purged).
     * A flag that holds no event reads as not done, and the task simply runs again.
     */
    public Optional<JobEvent> done(TaskMessage task) {
        return doneEvent(call("the done check",
                () -> redis.opsForValue().get(keys.taskDone(task.jobId(), task.worker(), task.run()))));
    }

    /** A done flag's value as its event; empty when there is none or it holds no event. */
    static Optional<JobEvent> doneEvent(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(value.getBytes(StandardCharsets.UTF_8), JobEvent.class));
        } catch (RuntimeException notAnEvent) {
            return Optional.empty();
        }
    }

    public void markDone(TaskMessage task, JobEvent succeeded) {
        String json = new String(Json.write(succeeded), StandardCharsets.UTF_8);
        call("marking the task done", () -> {
            redis.opsForValue().set(keys.taskDone(task.jobId(), task.worker(), task.run()), json, doneTtl);
            return null;
        });
    }

    public boolean paused() {
        return call("the pause check", () -> Boolean.TRUE.equals(redis.hasKey(keys.paused())));
    }

    private static <T> T call(String what, Supplier<T> redisCall) {
        try {
            return redisCall.get();
        } catch (RuntimeException e) {
            throw new InfrastructureException("Redis failed at " + what, e);
        }
    }
}
