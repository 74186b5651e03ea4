package dev.mediaflow.queue.status;

import dev.mediaflow.queue.config.MediaflowProperties;
import dev.mediaflow.queue.job.JobStatusDeriver;
import dev.mediaflow.queue.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Clock;

/** Restores the Redis status hashes from PostgreSQL, the record (e.g. after Redis lost its data). */
@Component
public class RedisStatusRebuilder {

    private static final Logger log = LoggerFactory.getLogger(RedisStatusRebuilder.class);

    private final JobStore store;
    private final JobStatusCache cache;
    private final MediaflowProperties properties;
    private final Clock clock;

    public RedisStatusRebuilder(JobStore store, JobStatusCache cache, MediaflowProperties properties, Clock clock) {
        this.store = store;
        this.cache = cache;
        this.properties = properties;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void rebuildAtStart() {
        if (!properties.rebuildRedisOnStart()) {
            return;
        }
        rebuildUnfinished()
                .subscribe(count -> log.info("Rebuilt the Redis status of {} unfinished job(s)", count),
                        e -> log.warn("Could not rebuild Redis job status from PostgreSQL: {}", e.toString()));
    }

    /** Writes the status hash of every job that is not final; returns how many. */
    public Mono<Long> rebuildUnfinished() {
        return store.unfinishedJobs()
                .concatMap(job -> store.findTasks(job.id()).collectList()
                        .flatMap(tasks -> cache.write(new JobStatusSnapshot(job,
                                JobStatusDeriver.progress(job, tasks), clock.instant())))
                        .thenReturn(1L))
                .count();
    }
}
