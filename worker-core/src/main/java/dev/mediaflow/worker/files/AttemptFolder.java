package dev.mediaflow.worker.files;

import dev.mediaflow.messages.StorageLayout;
import dev.mediaflow.messages.TaskMessage;
import dev.mediaflow.storage.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The work folder of one attempt: {@code staging/<kind>/<jobId>.r<run>.a<attempt>.<nonce>}. A handler
 * writes only here; on success the files are promoted into {@code processed/<owner>/<mediaItemId>/} by
 * atomic renames, and on cancel or failure only this folder goes.
 *
 * <p>Why: every job of one media item shares its output folder. Deleting "the task's files" from there
 * on cancel deleted the results of another, finished job of the same item; and two attempts writing
 * there at once (a redelivery racing a slow worker) saw each other's half-done work. With a folder per
 * attempt an attempt can only ever remove what it made, and {@code processed/} only ever holds complete
 * files. A {@code kill -9} leaves the folder behind for {@link StagingSweeper}.
 */
public final class AttemptFolder {

    private static final Logger log = LoggerFactory.getLogger(AttemptFolder.class);

    private final Path dir;
    private final Path target;

    private AttemptFolder(Path dir, Path target) {
        this.dir = dir;
        this.target = target;
    }

    public static AttemptFolder create(Path storageRoot, TaskMessage task, Path target) throws IOException {
        String name = task.jobId() + ".r" + task.run() + ".a" + task.attempt() + "." + UUID.randomUUID().toString().substring(0, 8);
        Path dir = storageRoot.toAbsolutePath().normalize()
                .resolve(StorageLayout.STAGING).resolve(task.worker().json()).resolve(name);
        Files.createDirectories(dir);
        return new AttemptFolder(dir, target);
    }

    /** Where the handler writes. */
    public Path dir() {
        return dir;
    }

    /**
     * Moves every finished file into the output folder (replacing an older job's file of the same name,
     * which is the same variant of the same upload), durably, then removes this folder. This is where the
     * outputs become durable: each is synced before its rename and the output folder once after all of them,
     * so the handler may write its files here without syncing ({@link DurableFiles#writeStaged}).
     */
    public void promote() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(DurableFiles.TEMP_SUFFIX))
                    .toList();
        }
        DurableFiles.moveAllIntoPlace(files, target);
        discard();
    }

    /** Removes this attempt's folder and everything in it; best effort (the sweeper gets what is left). */
    public void discard() {
        deleteTree(dir);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("Could not remove {}: {}", p.getFileName(), e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("Could not remove the staging folder {}: {}", root.getFileName(), e.toString());
        }
    }
}
