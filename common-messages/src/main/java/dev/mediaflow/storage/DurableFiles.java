package dev.mediaflow.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The one way every service puts a file in place so that a crash never leaves half of it under its
 * final name: write to a temporary name in the target's own directory, fsync the file, rename it
 * atomically, fsync the directory (so the rename itself survives a power cut).
 *
 * <p>One failure behaviour everywhere: any step that fails throws {@link IOException} and leaves no
 * temporary file behind; there is no non-atomic fallback, since a copy that a crash can cut in half
 * is exactly what this class exists to prevent. The only thing tolerated is a file system that
 * cannot sync a directory at all ({@link UnsupportedOperationException}).
 *
 * <p>Temporary files end in {@value #TEMP_SUFFIX}; a {@code kill -9} between the write and the rename
 * leaves one, which the owning service sweeps once it is old.
 */
public final class DurableFiles {

    /** What a temporary file's name ends with, for sweepers. */
    public static final String TEMP_SUFFIX = ".tmp";

    /** {@link #moveIntoPlace}'s directory syncs, shared by concurrent moves into the same directory. */
    private static final DirectorySyncs GROUPED_SYNCS = new DirectorySyncs(DurableFiles::syncDirectory);

    private DurableFiles() {
    }

    /**
     * Writes {@code bytes} as {@code target}, replacing an existing file atomically.
     *
     * @return the number of bytes written
     */
    public static long write(Path target, byte[] bytes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = parent.resolve(target.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(parent);
        return bytes.length;
    }

    /**
     * Writes {@code bytes} as {@code target} (temporary name, then rename) without syncing anything: for a staging
     * file that is made durable later by {@link #moveAllIntoPlace}, which syncs it before its final rename. Until
     * then a crash may lose it or leave it empty, which a staging folder tolerates (its attempt is redone).
     *
     * @return the number of bytes written
     */
    public static long writeStaged(Path target, byte[] bytes) throws IOException {
        return writeWithoutSync(target, bytes);
    }

    /**
     * Writes {@code bytes} as {@code target} atomically (temporary name, then rename), replacing an existing file,
     * without syncing anything: a reader never sees half a file, a process crash loses nothing (the page cache
     * survives it), and only a power cut may lose the file or leave it empty. For records that are either synced
     * later when they must outlive a power cut ({@link #sync}) or whose loss is tolerated; each fsync spared is a
     * journal commit the caller does not wait for.
     *
     * @return the number of bytes written
     */
    public static long writeWithoutSync(Path target, byte[] bytes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Path temp = parent.resolve(target.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
        boolean moved = false;
        try {
            try {
                Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (NoSuchFileException noDirectory) {
                // made on the first write into it rather than checked on every one: records are written per upload
                Files.createDirectories(parent);
                Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
        return bytes.length;
    }

    /**
     * {@link #moveIntoPlace} for several files into one directory, replacing what is there: each file is synced
     * and renamed, and the directory is synced once at the end rather than after every rename (one directory
     * sync makes all the renames before it durable).
     */
    public static void moveAllIntoPlace(List<Path> sources, Path targetDir) throws IOException {
        Files.createDirectories(targetDir);
        for (Path source : sources) {
            try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        for (Path source : sources) {
            Files.move(source, targetDir.resolve(source.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(targetDir);
    }

    /**
     * Moves a complete file (written elsewhere on the same file system) to {@code target}: fsync, atomic
     * rename, fsync of the target's directory. Moves into the same directory at the same time share that last
     * fsync ({@link DirectorySyncs}: each still returns only after a sync that began after its rename).
     *
     * @param replace whether an existing {@code target} is replaced; without it an existing target fails
     *                the move ({@link java.nio.file.FileAlreadyExistsException})
     */
    public static void moveIntoPlace(Path source, Path target, boolean replace) throws IOException {
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (!replace && Files.exists(target)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString());
        }
        if (replace) {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        }
        GROUPED_SYNCS.sync(parent);
    }

    /**
     * Removes a folder and everything in it, deepest first; nothing when it does not exist. Not atomic: a
     * failure leaves what it did not reach, and calling it again finishes the job.
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Makes a file written by {@link #writeWithoutSync} durable after the fact: fsync of the file, then of its
     * directory (which holds the rename).
     */
    public static void sync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /** Makes renames in {@code dir} durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UnsupportedOperationException notOnThisFileSystem) {
            // the file data itself is synced; nothing more can be done here
        }
    }
}
