package dev.mediaflow.worker.files;

import dev.mediaflow.messages.StorageLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes attempt folders (and the {@code *.tmp} files in them) that a killed worker left in
 * {@code staging/}: at start and then periodically, only those untouched for longer than
 * {@code staleAfter}, so that an attempt still running in another worker process that shares the
 * storage keeps its folder. A worker writes temporary files nowhere else.
 */
public class StagingSweeper {

    private static final Logger log = LoggerFactory.getLogger(StagingSweeper.class);

    private final Path staging;
    private final Duration staleAfter;
    private final Clock clock;

    public StagingSweeper(Path storageRoot, Duration staleAfter, Clock clock) {
        this.staging = storageRoot.toAbsolutePath().normalize().resolve(StorageLayout.STAGING);
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** @return how many attempt folders were removed */
    @Scheduled(initialDelay = 0, fixedDelayString = "${mediaflow.staging-sweep-interval:10m}")
    public int sweep() {
        if (!Files.isDirectory(staging)) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(staleAfter);
        int removed = 0;
        try (Stream<Path> kinds = Files.list(staging)) {
            for (Path kind : kinds.filter(Files::isDirectory).toList()) {
                List<Path> attempts;
                try (Stream<Path> listing = Files.list(kind)) {
                    attempts = listing.toList();
                }
                for (Path attempt : attempts) {
                    if (lastTouched(attempt).isBefore(cutoff)) {
                        AttemptFolder.deleteTree(attempt);
                        removed++;
                    }
                }
            }
        } catch (IOException e) {
            log.warn("Could not sweep {}: {}", StorageLayout.STAGING, e.toString());
        }
        if (removed > 0) {
            log.info("Removed {} attempt folder(s) left by stopped workers", removed);
        }
        return removed;
    }

    /** The newest modification time of the folder and its files. */
    private static Instant lastTouched(Path attempt) {
        try (Stream<Path> walk = Files.walk(attempt)) {
            return walk.map(StagingSweeper::modified).max(Instant::compareTo).orElse(Instant.EPOCH);
        } catch (IOException | java.io.UncheckedIOException changing) {
            // promoted or removed while we looked: not ours to touch
            return Instant.MAX;
        }
    }

    private static Instant modified(Path p) {
        try {
            FileTime time = Files.getLastModifiedTime(p);
            return time.toInstant();
        } catch (IOException gone) {
            return Instant.EPOCH;
        }
    }
}
