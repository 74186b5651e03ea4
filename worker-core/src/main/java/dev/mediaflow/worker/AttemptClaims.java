package dev.mediaflow.worker;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.messages.TaskMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells "the worker died in this attempt" apart from "the attempt came back for another reason".
 *
 * <p>A task that kills its worker (a decoder crash, an out-of-memory kill) is redelivered at the head
 * of its queue and would kill every worker forever; so after {@link TaskProcessor#MAX_DEATHS} deaths
 * the attempt counts as failed. But a redelivery is not always a death: a broker restart, a dropped
 * connection, or a task handed back for infrastructure trouble also redeliver. So each start claims
 * the attempt in Redis under this process's id ({@code holder}), and every way out that this process
 * lives through releases it: the end of the task, a hand-back, and the loss of the broker connection
 * (which is when the broker requeues it). A start that finds a claim still held by another process
 * counts one death; a claim held by this same process (it got its own task back) counts none.
 * Only a holder that vanished without releasing (kill -9, OOM, power cut) is counted.
 *
 * <p>The claim also says which copy of the attempt took it. Priority aging publishes a task that waited too long
 * again, one AMQP priority higher ({@code AmqpMessages#agedTask}), while the older copy stays in the queue; the
 * first copy delivered claims the attempt for good, and every other copy of it, now or later, is told
 * {@link #OTHER_COPY} and dropped, so a task is never run twice for being aged. A redelivery of the copy that
 * claimed it (a crash, a hand-back) is the same copy and runs as before. This costs no extra Redis call.
 *
 * <p>{@link #start} asks, in one script and so in one round trip, what a task needs before it runs: the job's cancel
 * flag, the run's done flag, then the claim (issue 14, section 3: three calls were three round trips per task).
 */
public class AttemptClaims {

    private static final Logger log = LoggerFactory.getLogger(AttemptClaims.class);

    /** What {@link #claim} returns for a copy of an attempt that another copy already took. */
    public static final long OTHER_COPY = -1;

    private static final RedisScript<Long> CLAIM = RedisScript.of("""
            local copy = redis.call('HGET', KEYS[1], 'copy')
            if copy and copy ~= ARGV[3] then return -1 end
            local holder = redis.call('HGET', KEYS[1], 'holder')
            local deaths = tonumber(redis.call('HGET', KEYS[1], 'deaths') or '0') or 0
            if holder and holder ~= '' and holder ~= ARGV[1] then deaths = deaths + 1 end
            redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'deaths', tostring(deaths), 'copy', ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return deaths
            """, Long.class);
    /**
     * KEYS: cancel flag, done flag, attempt. ARGV: run, holder, ttl ms, copy. Returns {'cancelled'},
     * {'bad-cancel', value}, {'done', event}, {'other-copy'} or {'claimed', deaths}; the claim is {@link #CLAIM}'s.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> START = RedisScript.of("""
            local cancelled = redis.call('GET', KEYS[1])
            if cancelled then
              local highest = tonumber(cancelled)
              if not highest then return {'bad-cancel', cancelled} end
              if tonumber(ARGV[1]) <= highest then return {'cancelled'} end
            end
            local done = redis.call('GET', KEYS[2])
            if done then return {'done', done} end
            local copy = redis.call('HGET', KEYS[3], 'copy')
            if copy and copy ~= ARGV[4] then return {'other-copy'} end
            local holder = redis.call('HGET', KEYS[3], 'holder')
            local deaths = tonumber(redis.call('HGET', KEYS[3], 'deaths') or '0') or 0
            if holder and holder ~= '' and holder ~= ARGV[2] then deaths = deaths + 1 end
            redis.call('HSET', KEYS[3], 'holder', ARGV[2], 'deaths', tostring(deaths), 'copy', ARGV[4])
            redis.call('PEXPIRE', KEYS[3], ARGV[3])
            return {'claimed', tostring(deaths)}
            """, List.class);
    private static final RedisScript<Long> RELEASE = RedisScript.of("""
            if redis.call('HGET', KEYS[1], 'holder') == ARGV[1] then
              redis.call('HSET', KEYS[1], 'holder', '')
              return 1
            end
            return 0
            """, Long.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration ttl;
    /** This process, not the configured worker id: a restarted worker with the same id is another holder. */
    private final String instance = UUID.randomUUID().toString();
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    public AttemptClaims(StringRedisTemplate redis, RedisKeys keys, Duration ttl) {
        this.redis = redis;
        this.keys = keys;
        this.ttl = ttl;
    }

    /** {@link #claim(TaskMessage, int)} for the first copy of a task. */
    public long claim(TaskMessage task) {
        return claim(task, 0);
    }

    /**
     * Claims the attempt for this process; returns how many holders died in it before, or {@link #OTHER_COPY}
     * (nothing claimed) when another copy of the same attempt took it first.
     *
     * @param copy which copy of the task this delivery is ({@code AmqpMessages#copyOf}): 0 for the first
     */
    public long claim(TaskMessage task, int copy) {
        String key = key(task);
        Long deaths;
        try {
            deaths = redis.execute(CLAIM, List.of(key), instance, Long.toString(ttl.toMillis()), Integer.toString(copy));
            if (deaths != null && deaths == OTHER_COPY) {
                return OTHER_COPY;
            }
        } catch (RuntimeException e) {
            throw new InfrastructureException("Redis failed at claiming the attempt", e);
        }
        held.add(key);
        return deaths == null ? 0 : deaths;
    }

    /**
     * Whether the task may run, and if so its claim, in one round trip: the cancel flag of its job (the highest
     * cancelled run), the done flag of its run, then {@link #claim(TaskMessage, int)}'s claim. A cancelled or done
     * task claims nothing.
     *
     * @throws InfrastructureException when Redis fails, or the cancel flag is not a run number
     */
    public TaskStart start(TaskMessage task, int copy) {
        String key = key(task);
        List<?> answer;
        try {
            answer = redis.execute(START, List.of(keys.cancel(task.jobId()),
                            keys.taskDone(task.jobId(), task.worker(), task.run()), key),
                    Integer.toString(task.run()), instance, Long.toString(ttl.toMillis()), Integer.toString(copy));
        } catch (RuntimeException e) {
            throw new InfrastructureException("Redis failed at starting the task", e);
        }
        if (answer == null || answer.isEmpty()) {
            throw new InfrastructureException("Redis failed at starting the task",
                    new IllegalStateException("no answer"));
        }
        return switch (String.valueOf(answer.get(0))) {
            case "cancelled" -> TaskStart.cancelled();
            case "bad-cancel" -> throw new InfrastructureException("the cancel flag of job " + task.jobId()
                    + " is not a run number", new NumberFormatException(String.valueOf(answer.get(1))));
            case "done" -> TaskStart.done(String.valueOf(answer.get(1)));
            case "other-copy" -> TaskStart.otherCopy();
            case "claimed" -> {
                held.add(key);
                yield TaskStart.claimed(Long.parseLong(String.valueOf(answer.get(1))));
            }
            default -> throw new InfrastructureException("Redis failed at starting the task",
                    new IllegalStateException("unexpected answer " + answer));
        };
    }

    /** This process is done with the attempt (whatever the outcome); best effort. */
    public void release(TaskMessage task) {
        String key = key(task);
        held.remove(key);
        release(key);
    }

    /**
     * The broker connection is gone, so the broker requeues whatever this process held: whoever gets
     * those tasks next must not count a death. The tasks in hand finish or fail on their own.
     */
    public void releaseAll() {
        held.forEach(this::release);
    }

    private void release(String key) {
        try {
            redis.execute(RELEASE, List.of(key), instance);
        } catch (RuntimeException e) {
            log.warn("Could not release attempt {} in Redis ({}); its next start may count as a worker death",
                    key, e.getMessage());
        }
    }

    private String key(TaskMessage task) {
        return keys.attempt(task.jobId(), task.worker(), task.run(), task.attempt());
    }
}
