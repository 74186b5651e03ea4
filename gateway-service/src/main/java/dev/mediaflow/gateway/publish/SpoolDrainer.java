package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.config.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes what waits in the spool: at start (jobs left by an earlier run) and every
 * {@code MEDIAFLOW_SPOOL_INTERVAL}. A round stops at the first job the broker does not confirm.
 */
@Component
public class SpoolDrainer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SpoolDrainer.class);

    private final SubmissionSpool spool;
    private final JobDispatcher dispatcher;
    private final Duration interval;
    private ScheduledExecutorService scheduler;

    public SpoolDrainer(SubmissionSpool spool, JobDispatcher dispatcher, GatewayProperties properties) {
        this.spool = spool;
        this.dispatcher = dispatcher;
        this.interval = properties.spoolInterval();
    }

    /** One pass over the spool; returns how many jobs are still waiting. */
    public int drainOnce() {
        List<UUID> waiting = spool.jobIds();
        int published = 0;
        for (UUID jobId : waiting) {
            JobDispatcher.Republished result = dispatcher.republish(jobId);
            if (result == JobDispatcher.Republished.NOT_CONFIRMED) {
                break; // the broker is away: the rest would fail the same way
            }
            if (result == JobDispatcher.Republished.DONE) {
                published++;
            }
        }
        int left = waiting.size() - published;
        if (left > 0) {
            log.warn("{} job(s) wait in the spool for RabbitMQ", left);
        }
        return left;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spool-drainer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::drainSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void drainSafely() {
        try {
            drainOnce();
        } catch (RuntimeException e) {
            log.error("Spool drain failed", e);
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
