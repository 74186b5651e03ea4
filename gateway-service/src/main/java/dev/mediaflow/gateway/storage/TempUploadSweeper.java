package dev.mediaflow.gateway.storage;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.gateway.background.PeriodicRounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes {@code tmp/*.part} files that a crashed gateway left behind (a running upload removes its
 * own in every other case). Only files untouched for {@code MEDIAFLOW_TMP_MAX_AGE} (default 1 h)
 * go, so an upload still streaming, here or in another gateway sharing the storage, is never hit.
 * Runs at start and then every quarter of that age.
 */
@Component
public class TempUploadSweeper extends PeriodicRounds {

    private static final Logger log = LoggerFactory.getLogger(TempUploadSweeper.class);

    private final Path tmp;
    private final Duration maxAge;

    public TempUploadSweeper(StorageRoot storage, GatewayProperties properties) {
        super("temp-upload-sweeper", Duration.ZERO,
                Duration.ofMillis(Math.max(1000, properties.tmpMaxAge().toMillis() / 4)));
        this.tmp = storage.tmp();
        this.maxAge = properties.tmpMaxAge();
    }

    /** One sweep; returns how many files were removed. */
    public int sweepOnce() {
        Instant before = Instant.now().minus(maxAge);
        List<Path> stale;
        try (Stream<Path> files = Files.list(tmp)) {
            stale = files.filter(p -> p.getFileName().toString().endsWith(".part"))
                    .filter(p -> untouchedSince(p, before))
                    .toList();
        } catch (IOException e) {
            log.warn("Cannot list {}: {}", tmp, e.toString());
            return 0;
        }
        int removed = 0;
        for (Path file : stale) {
            try {
                if (Files.deleteIfExists(file)) {
                    removed++;
                }
            } catch (IOException e) {
                log.warn("Cannot remove the left-over upload {}: {}", file.getFileName(), e.toString());
            }
        }
        if (removed > 0) {
            log.info("Removed {} upload temp file(s) left by an earlier crash", removed);
        }
        return removed;
    }

    private static boolean untouchedSince(Path file, Instant before) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(before);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    protected void runRound() {
        sweepOnce();
    }
}
