package dev.mediaflow.gateway.files;

import dev.mediaflow.gateway.storage.StorageRoot;
import dev.mediaflow.gateway.upload.StoredFormat;
import dev.mediaflow.messages.StorageLayout;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Removes one media item's files: its original ({@code uploads/<owner>/<id>.<ext>}) and its results
 * ({@code processed/<owner>/<id>/}), and says how many files went and how many bytes that freed. A file with
 * another hard link (a result shared with a duplicate upload) is removed but frees nothing, so it counts as a
 * file and not as bytes. Links are removed, never followed.
 */
@Component
class ItemFiles {

    /** What one removal did. */
    record Removal(long files, long freedBytes) {

        static final Removal NONE = new Removal(0, 0);

        Removal plus(Removal other) {
            return new Removal(files + other.files, freedBytes + other.freedBytes);
        }
    }

    private final StorageRoot storage;

    ItemFiles(StorageRoot storage) {
        this.storage = storage;
    }

    /**
     * @throws IllegalArgumentException when {@code owner} cannot be a storage path segment (nothing is touched)
     * @throws IOException              when a file is there but cannot be removed (what went before stays removed)
     */
    Removal remove(String owner, UUID mediaItemId) throws IOException {
        if (!StorageLayout.isOwner(owner)) {
            throw new IllegalArgumentException("not an owner name: " + owner);
        }
        Removal removed = Removal.NONE;
        for (StoredFormat format : StoredFormat.values()) {
            removed = removed.plus(removeFile(storage.resolve(StorageLayout.uploadPath(owner, mediaItemId,
                    format.extension()))));
        }
        Path results = storage.resolve(StorageLayout.outputDir(owner, mediaItemId));
        if (Files.isDirectory(results, LinkOption.NOFOLLOW_LINKS)) {
            removed = removed.plus(removeTree(results));
        }
        return removed;
    }

    private Removal removeTree(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            children.forEach(entries::add);
        } catch (NoSuchFileException e) {
            return Removal.NONE;
        }
        Removal removed = Removal.NONE;
        for (Path entry : entries) {
            removed = removed.plus(Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) ? removeTree(entry) : removeFile(entry));
        }
        Files.deleteIfExists(dir);
        return removed;
    }

    private static Removal removeFile(Path file) throws IOException {
        long freed;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            freed = attributes.isRegularFile() && links(file) <= 1 ? attributes.size() : 0;
        } catch (NoSuchFileException e) {
            return Removal.NONE;
        }
        return Files.deleteIfExists(file) ? new Removal(1, freed) : Removal.NONE;
    }

    /** How many names the file has; 1 where the file system cannot say. */
    private static int links(Path file) throws IOException {
        try {
            return (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }
}
