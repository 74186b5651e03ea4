package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.meters.PublishMeters;
import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.observability.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gets an accepted job to RabbitMQ without ever losing it: spool first, store the upload, publish,
 * and move the record from the spool to {@link PublishedJobs} only once the broker confirmed. A job
 * is handled by one thread at a time (the upload, the drainer or a cancel), so a slow confirm never
 * produces a second copy from this gateway and a cancel never races a publish.
 */
@Component
public class JobDispatcher {

    private static final Logger log = LoggerFactory.getLogger(JobDispatcher.class);

    private final SubmissionSpool spool;
    private final PublishedJobs published;
    private final JobPublisher publisher;
    private final StorageRoot storage;
    private final PublishMeters meters;
    private final Duration waitForPublish;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();

    public JobDispatcher(SubmissionSpool spool, PublishedJobs published, JobPublisher publisher, StorageRoot storage,
                         PublishMeters meters, GatewayProperties properties) {
        this.spool = spool;
        this.published = published;
        this.publisher = publisher;
        this.storage = storage;
        this.meters = meters;
        this.waitForPublish = properties.publishTimeout().multipliedBy(2).plusSeconds(1);
    }

    /** Puts the uploaded file in place; may throw an unchecked exception. */
    @FunctionalInterface
    public interface InputStore {
        void store();
    }

    /**
     * Spools a new job, stores its upload, and publishes the job (blocking). The spool record comes
     * before the stored upload, so a crash of the gateway in between can never leave a stored upload that
     * no job knows: the drainer sets aside a record whose upload is missing (it was never acknowledged).
     * The record is written without a sync and synced only when the broker did not confirm the job
     * (pending): a confirmed job is durable in the broker, whose confirm comes after its own fsync, so before
     * the 202 the durable things are always the upload (synced by {@code input}) and either the broker's copy
     * or the synced record. Only a power cut between the store and the confirm, i.e. before any answer, may
     * lose the record and leave that never-acknowledged upload without a job.
     * Throws {@link IOException} only when the job could not be spooled, i.e. it must not be
     * acknowledged to the client; an exception of {@code input} removes the record again.
     */
    public DispatchStatus dispatch(JobSubmission submission, InputStore input) throws IOException {
        inFlight.add(submission.jobId());
        try {
            spool.stage(submission);
            try {
                input.store();
            } catch (RuntimeException e) {
                spool.delete(submission.jobId());
                throw e;
            }
            if (publishSpooled(submission, true)) {
                return DispatchStatus.QUEUED;
            }
            try {
                spool.makeDurable(submission.jobId());
            } catch (IOException e) {
                spool.delete(submission.jobId());
                throw e;
            }
            return DispatchStatus.PENDING;
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
        /** an upload thread or a cancel is at it at this moment */
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
            if (!Files.exists(storage.resolve(submission.get().inputPath()))) {
                spool.setAsideWithoutInput(jobId);
                return Republished.DONE;
            }
            try (LogContext scope = LogContext.job(jobId, submission.get().correlationId())) {
                boolean confirmed = publishSpooled(submission.get(), false);
                if (confirmed) {
                    log.info("Published spooled job {} (owner {})", jobId, submission.get().owner());
                }
                return confirmed ? Republished.DONE : Republished.NOT_CONFIRMED;
            }
        } finally {
            inFlight.remove(jobId);
        }
    }

    /** What a cancel of a job still in the spool did. */
    public enum PendingCancel {
        /** it was pending and is now cancelled: it will reach queue-service as cancelled */
        CANCELLED,
        /** it was cancelled before */
        ALREADY_CANCELLED,
        /** it is not in the spool (any more): queue-service decides */
        NOT_PENDING
    }

    /**
     * Cancels a job that waits in the spool (pending -> cancelled, as the contract says). Waits for
     * a publish of the same job in progress; if that publish is confirmed the job is no longer
     * pending and the cancel belongs to queue-service.
     */
    public PendingCancel cancelPending(UUID jobId) throws IOException {
        claim(jobId);
        try {
            if (spool.find(jobId).isEmpty()) {
                return PendingCancel.NOT_PENDING;
            }
            if (spool.isCancelled(jobId)) {
                return PendingCancel.ALREADY_CANCELLED;
            }
            spool.markCancelled(jobId);
            log.info("Pending job {} cancelled in the spool", jobId);
            return PendingCancel.CANCELLED;
        } finally {
            inFlight.remove(jobId);
        }
    }

    /**
     * Takes a job out of the spool for good, so that it is never published: for a media item deleted while its
     * job still waits for the broker (queue-service has never heard of it). Waits for a publish of the same job in
     * progress, like {@link #cancelPending}; false when the job is not in the spool (any more): published meanwhile,
     * it belongs to queue-service.
     */
    public boolean withdrawPending(UUID jobId) throws IOException {
        claim(jobId);
        try {
            if (spool.find(jobId).isEmpty()) {
                return false;
            }
            spool.delete(jobId);
            if (spool.find(jobId).isPresent()) {
                throw new IOException("spooled job " + jobId + " could not be removed");
            }
            log.info("Pending job {} withdrawn from the spool: its media item is deleted", jobId);
            return true;
        } finally {
            inFlight.remove(jobId);
        }
    }

    /** Takes the job's slot, waiting for a publish of it in progress (at most {@code waitForPublish}). */
    private void claim(UUID jobId) throws IOException {
        Instant deadline = Instant.now().plus(waitForPublish);
        while (!inFlight.add(jobId)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("job " + jobId + " is being published for longer than " + waitForPublish);
            }
            sleep();
        }
    }

    private boolean publishSpooled(JobSubmission submission, boolean newJob) {
        boolean cancelled = spool.isCancelled(submission.jobId());
        try {
            if (cancelled) {
                publisher.publishCancelled(submission);
            } else {
                publisher.publish(submission);
            }
        } catch (RuntimeException e) {
            meters.notConfirmed(e, newJob);
            if (newJob) {
                log.warn("Job {} stays pending in the spool: RabbitMQ did not confirm it ({})",
                        submission.jobId(), e.toString());
            } else {
                log.debug("Spooled job {} still not confirmed: {}", submission.jobId(), e.toString());
            }
            return false;
        }
        meters.confirmed();
        if (cancelled) {
            published.remember(submission, true);
            spool.delete(submission.jobId());
        } else {
            published.rememberSpooled(spool, submission, newJob);
        }
        return true;
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a publish", e);
        }
    }
}
