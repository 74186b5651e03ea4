package dev.mediaflow.gateway.publish;

import dev.mediaflow.messages.JobSubmission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gets an accepted job to RabbitMQ without ever losing it: spool first, publish, and remove the
 * spool file only once the broker confirmed. A job is published by one thread at a time (the upload
 * or the drainer), so a slow confirm never produces a second copy from this gateway.
 */
@Component
public class JobDispatcher {

    private static final Logger log = LoggerFactory.getLogger(JobDispatcher.class);
    /** queue-service records a job a moment after its confirm; until then we still know it. */
    private static final Duration REMEMBER_PUBLISHED = Duration.ofMinutes(2);

    private final SubmissionSpool spool;
    private final JobPublisher publisher;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Published> recentlyPublished = new ConcurrentHashMap<>();

    public JobDispatcher(SubmissionSpool spool, JobPublisher publisher) {
        this.spool = spool;
        this.publisher = publisher;
    }

    /**
     * Spools and publishes a new job (blocking). Throws {@link IOException} only when the job
     * could not be spooled, i.e. it must not be acknowledged to the client.
     */
    public DispatchStatus dispatch(JobSubmission submission) throws IOException {
        inFlight.add(submission.jobId());
        try {
            spool.write(submission);
            return publishSpooled(submission, true) ? DispatchStatus.QUEUED : DispatchStatus.PENDING;
        } finally {
            inFlight.remove(submission.jobId());
        }
    }

    /** What became of one spooled job in a drain round. */
    enum Republished {
        /** confirmed, or nothing left to publish */
        DONE,
        /** the broker did not confirm, or the file could not be read now: try again next round */
        NOT_CONFIRMED,
        /** an upload thread is publishing it at this moment */
        BUSY
    }

    /** Publishes a spooled job unless another thread is at it. */
    Republished republish(UUID jobId) {
        if (!inFlight.add(jobId)) {
            return Republished.BUSY;
        }
        try {
            Optional<JobSubmission> submission;
            try {
                submission = spool.load(jobId);
            } catch (IOException e) {
                log.warn("Cannot read spooled job {} now, will try again: {}", jobId, e.toString());
                return Republished.NOT_CONFIRMED;
            } catch (IllegalArgumentException e) {
                spool.quarantine(jobId);
                return Republished.DONE;
            }
            if (submission.isEmpty()) {
                return Republished.DONE;
            }
            boolean confirmed = publishSpooled(submission.get(), false);
            if (confirmed) {
                log.info("Published spooled job {} (owner {})", jobId, submission.get().owner());
            }
            return confirmed ? Republished.DONE : Republished.NOT_CONFIRMED;
        } finally {
            inFlight.remove(jobId);
        }
    }

    private boolean publishSpooled(JobSubmission submission, boolean newJob) {
        try {
            publisher.publish(submission);
        } catch (RuntimeException e) {
            if (newJob) {
                log.warn("Job {} stays pending in the spool: RabbitMQ did not confirm it ({})",
                        submission.jobId(), e.toString());
            } else {
                log.debug("Spooled job {} still not confirmed: {}", submission.jobId(), e.toString());
            }
            return false;
        }
        spool.delete(submission.jobId());
        remember(submission);
        return true;
    }

    /** A job confirmed by the broker in the last minutes, which queue-service may not show yet. */
    public Optional<JobSubmission> recentlyPublished(UUID jobId) {
        Published published = recentlyPublished.get(jobId);
        return published == null || published.expired() ? Optional.empty() : Optional.of(published.submission());
    }

    private void remember(JobSubmission submission) {
        recentlyPublished.values().removeIf(Published::expired);
        recentlyPublished.put(submission.jobId(), new Published(submission, Instant.now().plus(REMEMBER_PUBLISHED)));
    }

    private record Published(JobSubmission submission, Instant until) {
        boolean expired() {
            return Instant.now().isAfter(until);
        }
    }
}
