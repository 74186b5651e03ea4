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
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Durable record of accepted jobs not yet confirmed by RabbitMQ: {@code <root>/spool/<jobId>.json}.
 * A file is written with {@link DurableFiles} (temporary name, atomic rename), so a reader never sees half a
 * file; it is synced (file and directory) before an upload whose job stays here is answered.
 */
@Component
public class SubmissionSpool {

    private static final Logger log = LoggerFactory.getLogger(SubmissionSpool.class);
    private static final String SUFFIX = ".json";
    private static final String CANCELLED_SUFFIX = ".cancelled";

    private final Path dir;
    private final SpooledOwners owners;

    public SubmissionSpool(StorageRoot storage) {
        this.dir = storage.spool();
        this.owners = new SpooledOwners(this::presentJobIds, jobId -> SpooledOwners.ownerIn(fileOf(jobId)));
        removeUnfinishedWrites();
    }

    /** Writes the record durably (synced before this returns). */
    public void write(JobSubmission submission) throws IOException {
        owners.writing(submission.jobId(), submission.owner());
        DurableFiles.write(fileOf(submission.jobId()), Json.write(submission));
    }

    /**
     * Writes the record of a new upload atomically but without syncing it (a process crash keeps it; a power cut
     * may lose it). {@link JobDispatcher} makes it durable with {@link #makeDurable} only when the job stays
     * pending: a job the broker confirmed is durable there, and its record goes a moment later anyway. That
     * spares the upload two of its fsyncs (the record and the spool directory).
     */
    public void stage(JobSubmission submission) throws IOException {
        owners.writing(submission.jobId(), submission.owner());
        DurableFiles.writeWithoutSync(fileOf(submission.jobId()), Json.write(submission));
    }

    /** Syncs a {@link #stage staged} record and its directory entry, so that it outlives a power cut. */
    public void makeDurable(UUID jobId) throws IOException {
        DurableFiles.sync(fileOf(jobId));
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

    /** How many jobs wait in the spool; cheaper than {@link #jobIds()} (no sorting), for a gauge. */
    public long size() {
        return records(Stream::count);
    }

    /** How many jobs of {@code owner} the spool holds now, whichever replica spooled them ({@link SpooledOwners}). */
    public long jobsOf(String owner) {
        return owners.jobsOf(owner);
    }

    /** Job ids in the spool, in no order: cheaper than {@link #jobIds()} (no file's time is read). */
    Set<UUID> presentJobIds() {
        return records(files -> files.map(SubmissionSpool::jobIdOf).flatMap(Optional::stream)
                .collect(Collectors.toSet()));
    }

    /** Job ids in the spool, oldest first. */
    public List<UUID> jobIds() {
        return records(files -> files.sorted(Comparator.comparing(SubmissionSpool::modifiedMillis))
                .map(SubmissionSpool::jobIdOf)
                .flatMap(Optional::stream)
                .toList());
    }

    /** The one listing of the spool's job records (not its cancel marks or set-aside files), closed after use. */
    private <T> T records(Function<Stream<Path>, T> use) {
        try (Stream<Path> files = Files.list(dir)) {
            return use.apply(files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the spool " + dir, e);
        }
    }

    /**
     * Moves a confirmed job's record to {@code target} (one rename in the same file system), and drops its cancel
     * mark after it, as {@link #delete} would.
     */
    void moveRecord(UUID jobId, Path target) throws IOException {
        Files.move(fileOf(jobId), target, StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.deleteIfExists(cancelMarkOf(jobId));
        } catch (IOException e) {
            log.warn("Cannot delete the cancel mark of published job {}: {}", jobId, e.toString());
        }
    }

    /** The job first, its cancel mark after: a crash in between must not turn a cancel back into a job. */
    public void delete(UUID jobId) {
        try {
            Files.deleteIfExists(fileOf(jobId));
            Files.deleteIfExists(cancelMarkOf(jobId));
        } catch (IOException e) {
            log.warn("Cannot delete spooled job {} (it will be published again): {}", jobId, e.toString());
        }
    }

    /**
     * Durably marks a spooled job as cancelled by its owner (the contract's pending -> cancelled):
     * it is then handed to the broker as a cancellation instead of as work.
     */
    public void markCancelled(UUID jobId) throws IOException {
        DurableFiles.write(cancelMarkOf(jobId), new byte[0]);
    }

    public boolean isCancelled(UUID jobId) {
        return Files.exists(cancelMarkOf(jobId));
    }

    /** Keeps an unreadable spool file out of the way without losing it. */
    public void quarantine(UUID jobId) {
        setAside(jobId, "unreadable", "is unreadable");
    }

    /** A job whose upload never reached its place: the gateway stopped between spooling and storing it. */
    public void setAsideWithoutInput(UUID jobId) {
        setAside(jobId, "no-input", "has no stored upload (the gateway stopped before storing it, so it was "
                + "never acknowledged)");
    }

    private void setAside(UUID jobId, String suffix, String why) {
        Path file = fileOf(jobId);
        try {
            Files.move(file, dir.resolve(jobId + "." + suffix), StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(cancelMarkOf(jobId));
            log.error("Spooled job {} {}; moved aside to {}.{} for inspection", jobId, why, jobId, suffix);
        } catch (IOException e) {
            log.error("Spooled job {} {} and cannot be moved aside: {}", jobId, why, e.toString());
        }
    }

    private Path cancelMarkOf(UUID jobId) {
        return dir.resolve(jobId + CANCELLED_SUFFIX);
    }

    Path fileOf(UUID jobId) {
        return dir.resolve(jobId + SUFFIX);
    }

    /**
     * A temp file left by a crash belongs to an upload that never got its 202; a cancel mark
     * without its job was left by a crash after the cancellation was published.
     */
    private void removeUnfinishedWrites() {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(DurableFiles.TEMP_SUFFIX) || isOrphanMark(p))
                    .forEach(p -> {
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

    private boolean isOrphanMark(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(CANCELLED_SUFFIX)
                && !Files.exists(dir.resolve(name.substring(0, name.length() - CANCELLED_SUFFIX.length()) + SUFFIX));
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
