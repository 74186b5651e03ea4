package dev.mediaflow.gateway.files;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.files.CleanupMeters.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One file cleanup (docs/api.md, "File lifecycle"): the originals and results of media items whose jobs
 * all ended more than {@code MEDIAFLOW_FILE_TTL} ago are removed. queue-service decides which items expire (under
 * its locks, so never one with a job queued or processing) and marks them, so the API says {@code expired} for them
 * from then on; this gateway, which owns the files, removes them and confirms, batch by batch. An item whose files
 * could not be removed is not confirmed and is offered again by the next cleanup.
 *
 * <p>Cleanups of this gateway run one at a time (a second caller waits, then finds nothing left); cleanups of
 * several gateways may overlap, as each item is handed out for removal until one confirms it, and removing a file
 * that another gateway removed first counts nothing. Each run is logged and counted in {@link CleanupMeters}.
 */
@Component
public class FileCleanup {

    /** What one cleanup removed; a file with another hard link frees no bytes. */
    public record Result(long removedItems, long removedFiles, long freedBytes) {
    }

    static final int BATCH = 200;
    /** Rounds of one run at most: a bound on a run even if queue-service kept offering new items. */
    static final int MAX_ROUNDS = 1000;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger log = LoggerFactory.getLogger(FileCleanup.class);

    private final Optional<Duration> ttl;
    /** The TTL as it was configured ({@code 30d}), for the log and the answer. */
    private final String ttlText;
    private final ExpiryRecord record;
    private final ItemFiles files;
    private final CleanupMeters meters;
    private final ReentrantLock oneAtATime = new ReentrantLock();

    /** @throws InvalidFileTtlException on a bad {@code MEDIAFLOW_FILE_TTL}, which stops the gateway at start */
    FileCleanup(GatewayProperties properties, ExpiryRecord record, ItemFiles files, CleanupMeters meters) {
        this.ttl = FileTtl.parse(properties.fileTtl());
        this.ttlText = ttl.isPresent() ? properties.fileTtl().trim() : "none";
        this.record = record;
        this.files = files;
        this.meters = meters;
        if (ttl.isPresent()) {
            log.info("File TTL {}: originals and results are removed that long after their last job ended "
                    + "(checked every {})", ttlText, properties.fileCleanupInterval());
        } else {
            log.info("MEDIAFLOW_FILE_TTL is not set: files are kept forever");
        }
    }

    public Optional<Duration> ttl() {
        return ttl;
    }

    /** The TTL as configured, e.g. {@code 30d}. */
    public String ttlText() {
        return ttlText;
    }

    /** Blocks until done; without a TTL it removes nothing. */
    public Result run(Trigger trigger) {
        if (ttl.isEmpty()) {
            log.info("File cleanup ({}): MEDIAFLOW_FILE_TTL is not set, nothing is removed", trigger.tag());
            meters.succeeded(trigger, 0, 0);
            return new Result(0, 0, 0);
        }
        oneAtATime.lock();
        try {
            return runLocked(trigger, ttl.get());
        } finally {
            oneAtATime.unlock();
        }
    }

    private Result runLocked(Trigger trigger, Duration ttl) {
        long started = System.nanoTime();
        Instant finalBefore = Instant.now().minus(ttl);
        long items = 0;
        long removedFiles = 0;
        long freedBytes = 0;
        int notRemoved = 0;
        try {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                List<ExpiryRecord.ExpiredItem> batch = record.expire(finalBefore, BATCH).block(CALL_TIMEOUT);
                List<UUID> removed = new ArrayList<>();
                for (ExpiryRecord.ExpiredItem item : batch == null ? List.<ExpiryRecord.ExpiredItem>of() : batch) {
                    try {
                        ItemFiles.Removal removal = files.remove(item.owner(), item.mediaItemId());
                        removedFiles += removal.files();
                        freedBytes += removal.freedBytes();
                        removed.add(item.mediaItemId());
                    } catch (IOException | RuntimeException e) {
                        notRemoved++;
                        log.warn("File cleanup: the files of media item {} could not be removed ({}); the next "
                                + "cleanup tries again", item.mediaItemId(), e.toString());
                    }
                }
                record.removed(removed).block(CALL_TIMEOUT);
                items += removed.size();
                if (batch == null || batch.size() < BATCH || removed.isEmpty()) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            meters.failed(trigger, removedFiles, freedBytes);
            log.warn("File cleanup ({}) stopped after removing {} files ({} bytes) of {} media item(s): {}",
                    trigger.tag(), removedFiles, freedBytes, items, e.toString());
            throw e;
        }
        meters.succeeded(trigger, removedFiles, freedBytes);
        log.info("File cleanup ({}): {} media item(s) whose jobs ended before {} (TTL {}), {} files removed, {} bytes "
                        + "freed{} in {} ms", trigger.tag(), items, finalBefore, ttlText, removedFiles, freedBytes,
                notRemoved == 0 ? "" : ", " + notRemoved + " item(s) left for the next cleanup",
                (System.nanoTime() - started) / 1_000_000);
        return new Result(items, removedFiles, freedBytes);
    }
}
