package dev.mediaflow.gateway.proxy;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.http.CallerRole;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.publish.PublishedJobs;
import dev.mediaflow.gateway.background.PeriodicRounds;
import dev.mediaflow.messages.InternalJobsApi;
import dev.mediaflow.messages.InternalJobsApi.JobIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Forgets a published job once queue-service answers for it, never by a clock alone while
 * queue-service lags: a job it does not know yet keeps being shown from the gateway's record
 * ({@link PublishedJobs}). Only after {@code MEDIAFLOW_PUBLISHED_MEMORY} (default 7 days) is a job
 * that queue-service never recorded dropped, with a warning, so the directory cannot grow forever.
 *
 * <p>A round asks about all its jobs in one call ({@link InternalJobsApi#RECORDED}): every upload leaves one
 * record here, and asking job by job cost queue-service a request and a whole item's read per upload.
 */
@Component
public class PublishedJobsPruner extends PeriodicRounds {

    private static final Logger log = LoggerFactory.getLogger(PublishedJobsPruner.class);
    /** queue-service records a job within milliseconds normally; asking sooner would mostly be wasted. */
    static final Duration FIRST_CHECK_AFTER = Duration.ofSeconds(10);
    private static final int PER_ROUND = InternalJobsApi.MAX_JOB_IDS;
    private static final Caller GATEWAY = new Caller("gateway", CallerRole.ADMIN);

    private final PublishedJobs published;
    private final QueueServiceCalls queueService;
    private final Duration memory;
    private final Duration timeout;

    public PublishedJobsPruner(PublishedJobs published, QueueServiceCalls queueService,
                               GatewayProperties properties) {
        super("published-jobs-pruner", properties.spoolInterval().multipliedBy(6),
                properties.spoolInterval().multipliedBy(6));
        this.published = published;
        this.queueService = queueService;
        this.memory = properties.publishedMemory();
        this.timeout = properties.queueServiceTimeout().plusSeconds(1);
    }

    /** One round; returns how many records were forgotten. */
    public int pruneOnce() {
        Instant now = Instant.now();
        List<UUID> jobIds = published.publishedBefore(now.minus(FIRST_CHECK_AFTER), PER_ROUND);
        if (jobIds.isEmpty()) {
            return 0;
        }
        Set<UUID> recorded;
        try {
            QueueServiceCalls.Answer answer = queueService.call(HttpMethod.POST, InternalJobsApi.RECORDED,
                    new JobIds(jobIds), GATEWAY).block(timeout);
            if (answer == null || !answer.isSuccess()) {
                log.debug("queue-service could not say which published jobs it recorded ({}); asking next round",
                        answer == null ? "no answer" : "HTTP " + answer.status());
                return 0;
            }
            List<UUID> answered = answer.read(JobIds.class).jobIds();
            recorded = answered == null ? Set.of() : new HashSet<>(answered);
        } catch (RuntimeException e) {
            log.debug("queue-service is away ({}); asking about the published jobs next round", e.toString());
            return 0;
        }
        int forgotten = 0;
        for (UUID jobId : jobIds) {
            if (recorded.contains(jobId)) {
                published.forget(jobId);
                forgotten++;
            } else if (published.publishedAt(jobId).map(at -> at.isBefore(now.minus(memory))).orElse(false)) {
                log.warn("Job {} was published {} ago and queue-service still does not know it; forgetting it",
                        jobId, memory);
                published.forget(jobId);
                forgotten++;
            }
        }
        return forgotten;
    }

    @Override
    protected void runRound() {
        pruneOnce();
    }
}
