package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.background.PeriodicRounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Publishes what waits in the spool: at start (jobs left by an earlier run) and every
 * {@code MEDIAFLOW_SPOOL_INTERVAL}. A round stops at the first job the broker does not confirm.
 */
@Component
public class SpoolDrainer extends PeriodicRounds {

    private static final Logger log = LoggerFactory.getLogger(SpoolDrainer.class);

    private final SubmissionSpool spool;
    private final JobDispatcher dispatcher;

    public SpoolDrainer(SubmissionSpool spool, JobDispatcher dispatcher, GatewayProperties properties) {
        super("spool-drainer", Duration.ZERO, properties.spoolInterval());
        this.spool = spool;
        this.dispatcher = dispatcher;
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
    protected void runRound() {
        drainOnce();
    }
}
