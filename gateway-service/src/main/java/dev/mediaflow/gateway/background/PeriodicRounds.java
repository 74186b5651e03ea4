package dev.mediaflow.gateway.background;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A gateway chore that runs in rounds on a daemon thread of its own while the application runs: the spool
 * drainer, the pruner of published jobs, the sweeper of abandoned upload files. They share this one life cycle
 * so that each starts, spaces and stops its rounds the same way, and so that a round that throws is logged and
 * the next one still comes: an exception escaping a {@link ScheduledExecutorService} task would silently
 * cancel every later round, which for the spool drainer means pending jobs that are never published.
 */
public abstract class PeriodicRounds implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicRounds.class);

    private final String name;
    private final Duration firstDelay;
    private final Duration interval;
    private ScheduledExecutorService scheduler;

    /**
     * @param name       the thread's name, also used in the log line of a failed round
     * @param firstDelay how long after start the first round runs
     * @param interval   the pause between the end of one round and the start of the next
     */
    protected PeriodicRounds(String name, Duration firstDelay, Duration interval) {
        this.name = name;
        this.firstDelay = firstDelay;
        this.interval = interval;
    }

    /** One round of the chore; an exception is logged and ends only this round. */
    protected abstract void runRound();

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::runRoundSafely, firstDelay.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void runRoundSafely() {
        try {
            runRound();
        } catch (RuntimeException e) {
            log.error("A round of {} failed; the next runs in {}", name, interval, e);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
