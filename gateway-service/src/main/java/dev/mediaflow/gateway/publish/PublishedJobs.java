package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.messages.Json;
import dev.mediaflow.messages.JobSubmission;
import dev.mediaflow.storage.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The jobs the broker confirmed that queue-service may not have recorded yet:
 * {@code <root>/spool/published/<jobId>.json}. Without it an accepted job answers 404 while
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

    void remember(JobSubmission submission, boolean cancelled) {
        try {
            DurableFiles.writeWithoutSync(fileOf(submission.jobId()), Json.write(new Published(submission, cancelled)));
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot remember published job {} (a lagging queue-service may answer 404 for it): {}",
                    submission.jobId(), e.toString());
        }
    }

    public Optional<Published> find(UUID jobId) {
        try {
            return Optional.of(Json.read(Files.readAllBytes(fileOf(jobId)), Published.class));
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
