package dev.mediaflow.gateway.proxy;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.http.CallerRole;
import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.publish.PublishedJobs;
import dev.mediaflow.gateway.background.PeriodicRounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Forgets a published job once queue-service answers for it, never by a clock alone while
 * queue-service lags: a job it does not know yet keeps being shown from the gateway's record
 * ({@link PublishedJobs}). Only after {@code MEDIAFLOW_PUBLISHED_MEMORY} (default 7 days) is a job
 * that queue-service never recorded dropped, with a warning, so the directory cannot grow forever.
 */
@Component
public class PublishedJobsPruner extends PeriodicRounds {

    private static final Logger log = LoggerFactory.getLogger(PublishedJobsPruner.class);
    /** queue-service records a job within milliseconds normally; asking sooner would mostly be wasted. */
    static final Duration FIRST_CHECK_AFTER = Duration.ofSeconds(10);
    private static final int PER_ROUND = 200;
    private static final Caller GATEWAY = new Caller("gateway", CallerRole.ADMIN);

    private final PublishedJobs published;
    private final QueueServiceClient queueService;
    private final Duration memory;

    public PublishedJobsPruner(PublishedJobs published, QueueServiceClient queueService,
                               GatewayProperties properties) {
        super("published-jobs-pruner", properties.spoolInterval().multipliedBy(6),
                properties.spoolInterval().multipliedBy(6));
        this.published = published;
        this.queueService = queueService;
        this.memory = properties.publishedMemory();
    }

    /** One round; returns how many records were forgotten. */
    public int pruneOnce() {
        Instant now = Instant.now();
        int forgotten = 0;
        for (UUID jobId : published.publishedBefore(now.minus(FIRST_CHECK_AFTER), PER_ROUND)) {
            Integer status = queueService.forward(HttpMethod.GET, URI.create("/api/queue/items/" + jobId),
                            new HttpHeaders(), Flux.empty(), GATEWAY)
                    .flatMap(response -> response.discardBody().thenReturn(response.status().value()))
                    .onErrorReturn(-1)
                    .block(Duration.ofSeconds(30));
            if (status == null || status < 0 || status >= 500) {
                break; // queue-service is away: ask again next round
            }
            if (status == 200) {
                published.forget(jobId);
                forgotten++;
            } else if (published.publishedAt(jobId).map(at -> at.isBefore(now.minus(memory))).orElse(false)) {
                log.warn("Job {} was published {} ago and queue-service still does not know it (HTTP {}); "
                        + "forgetting it", jobId, memory, status);
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
