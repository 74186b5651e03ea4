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
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Durable record of accepted jobs not yet confirmed by RabbitMQ: {@code <root>/spool/<jobId>.json}.
 * A file is written with {@link DurableFiles} (temporary name, fsync, atomic rename, directory fsync), so a
 * reader never sees half a file.
 */
@Component
public class SubmissionSpool {

    private static final Logger log = LoggerFactory.getLogger(SubmissionSpool.class);
    private static final String SUFFIX = ".json";

    private final Path dir;

    public SubmissionSpool(StorageRoot storage) {
        this.dir = storage.spool();
        removeUnfinishedWrites();
    }

    public void write(JobSubmission submission) throws IOException {
        DurableFiles.write(fileOf(submission.jobId()), Json.write(submission));
    }

    /**
     * The spooled job for publishing: empty when there is no such file; an {@link IOException} when
     * it cannot be read now (try again later); an {@link IllegalArgumentException} when its content
     * is not a job (it will never be readable: quarantine it).
     */
    public Optional<JobSubmission> load(UUID jobId) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(fileOf(jobId));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(bytes, JobSubmission.class));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("spooled job " + jobId + " is not a job: " + e.getMessage(), e);
        }
    }

    /** For lookups: any problem reads as "not here". */
    public Optional<JobSubmission> find(UUID jobId) {
        try {
            return Optional.of(Json.read(Files.readAllBytes(fileOf(jobId)), JobSubmission.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot read spooled job {}: {}", jobId, e.toString());
            return Optional.empty();
        }
    }

    /** Job ids in the spool, oldest first. */
    public List<UUID> jobIds() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .sorted(Comparator.comparing(SubmissionSpool::modifiedMillis))
                    .map(SubmissionSpool::jobIdOf)
                    .flatMap(Optional::stream)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the spool " + dir, e);
        }
    }

    public void delete(UUID jobId) {
        try {
            Files.deleteIfExists(fileOf(jobId));
        } catch (IOException e) {
            log.warn("Cannot delete spooled job {} (it will be published again): {}", jobId, e.toString());
        }
    }

    /** Keeps an unreadable spool file out of the way without losing it. */
    public void quarantine(UUID jobId) {
        Path file = fileOf(jobId);
        try {
            Files.move(file, dir.resolve(jobId + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
            log.error("Spooled job {} is unreadable; moved aside to {}.unreadable for inspection", jobId, jobId);
        } catch (IOException e) {
            log.error("Spooled job {} is unreadable and cannot be moved aside: {}", jobId, e.toString());
        }
    }

    Path fileOf(UUID jobId) {
        return dir.resolve(jobId + SUFFIX);
    }

    /** A temp file left by a crash belongs to an upload that never got its 202. */
    private void removeUnfinishedWrites() {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(DurableFiles.TEMP_SUFFIX)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("Cannot remove unfinished spool file {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool " + dir, e);
        }
    }

    private static long modifiedMillis(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
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
