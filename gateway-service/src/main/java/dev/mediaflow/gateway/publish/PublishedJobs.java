package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.storage.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The jobs the broker confirmed that queue-service may not have recorded yet:
 * {@code <root>/spool/published/<jobId>.json}, the spool's own record moved here (a cancellation is written as a
 * {@link Published}). Without it an accepted job answers 404 while
 * queue-service lags behind its events (it used to be remembered in memory for two minutes only,
 * and not across a gateway restart). A record goes only once queue-service answers for the job
 * ({@link PublishedJobsPruner}), so the gateway never forgets a job that nobody else knows yet.
 * Not synced to disk: losing one after a power cut only loses this fallback, never the job.
 */
@Component
public class PublishedJobs {

    private static final Logger log = LoggerFactory.getLogger(PublishedJobs.class);
    private static final String SUFFIX = ".json";

    /** What the gateway handed to the broker: the job, and whether it went as a cancellation. */
    public record Published(JobSubmission submission, boolean cancelled) {
        public String status() {
            return cancelled ? "cancelled" : "queued";
        }
    }

    private final Path dir;

    public PublishedJobs(StorageRoot storage) {
        this.dir = storage.spool().resolve("published");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * Remembers a job the broker confirmed as work by moving its spool record here: the record already holds the
     * job, so one rename takes the place of writing the same job again and deleting the record (a sixth of an
     * upload's CPU on the upload thread). A record drained long after it was staged gets the confirm's time, which
     * {@link #publishedAt} reads. Where the move fails the job is written anew and the record deleted.
     *
     * @param stagedJustNow whether the record was staged by this upload a moment ago (its time is then the confirm's)
     */
    void rememberSpooled(SubmissionSpool spool, JobSubmission submission, boolean stagedJustNow) {
        Path target = fileOf(submission.jobId());
        try {
            spool.moveRecord(submission.jobId(), target);
            if (!stagedJustNow) {
                Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Cannot move the spool record of job {} ({}); writing it anew", submission.jobId(),
                    e.toString());
            remember(submission, false);
            spool.delete(submission.jobId());
        }
    }

    void remember(JobSubmission submission, boolean cancelled) {
        try {
            DurableFiles.writeWithoutSync(fileOf(submission.jobId()), Json.write(new Published(submission, cancelled)));
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot remember published job {} (a lagging queue-service may answer 404 for it): {}",
                    submission.jobId(), e.toString());
        }
    }

    /**
     * A record is either a {@link Published} ({@link #remember}: a cancellation) or the job itself, as the spool
     * wrote it ({@link #rememberSpooled}: published as work); only the first has a {@code submission} field.
     */
    public Optional<Published> find(UUID jobId) {
        try {
            JsonNode record = Json.MAPPER.readTree(Files.readAllBytes(fileOf(jobId)));
            return Optional.of(record.has("submission") ? Json.MAPPER.treeToValue(record, Published.class)
                    : new Published(Json.MAPPER.treeToValue(record, JobSubmission.class), false));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot read published job {}: {}", jobId, e.toString());
            return Optional.empty();
        }
    }

    /** Jobs published before {@code before}, at most {@code limit} of them. */
    public List<UUID> publishedBefore(Instant before, int limit) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .filter(p -> modifiedBefore(p, before))
                    .limit(limit)
                    .map(PublishedJobs::jobIdOf)
                    .flatMap(Optional::stream)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** When the broker confirmed it, as far as the record's file tells. */
    public Optional<Instant> publishedAt(UUID jobId) {
        try {
            return Optional.of(Files.getLastModifiedTime(fileOf(jobId)).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void forget(UUID jobId) {
        try {
            Files.deleteIfExists(fileOf(jobId));
        } catch (IOException e) {
            log.warn("Cannot forget published job {}: {}", jobId, e.toString());
        }
    }

    private Path fileOf(UUID jobId) {
        return dir.resolve(jobId + SUFFIX);
    }

    private static boolean modifiedBefore(Path file, Instant before) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(before);
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<UUID> jobIdOf(Path file) {
        String name = file.getFileName().toString();
        try {
            return Optional.of(UUID.fromString(name.substring(0, name.length() - SUFFIX.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
