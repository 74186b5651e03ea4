package dev.mediaflow.worker;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TaskMessage;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.time.Duration;

/** Cancellation and "already done" flags in Redis. */
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
        String run = redis.opsForValue().get(keys.cancel(task.jobId()));
        return run != null && task.run() <= Integer.parseInt(run);
    }

    public boolean done(TaskMessage task) {
        return Boolean.TRUE.equals(redis.hasKey(keys.taskDone(task.jobId(), task.worker(), task.run())));
    }

    public void markDone(TaskMessage task) {
        redis.opsForValue().set(keys.taskDone(task.jobId(), task.worker(), task.run()), "1", doneTtl);
    }

    /** Counts one more start of this attempt (more than one: its worker died in it); lives as long as the done flag. */
    public long countStart(TaskMessage task) {
        String key = keys.starts(task.jobId(), task.worker(), task.run(), task.attempt());
        Long count = redis.opsForValue().increment(key);
        redis.expire(key, doneTtl);
        return count == null ? 1 : count;
    }

    public boolean paused() {
        return Boolean.TRUE.equals(redis.hasKey(keys.paused()));
    }
}
