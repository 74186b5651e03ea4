package dev.mediaflow.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
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
     * Moves a complete file (written elsewhere on the same file system) to {@code target}: fsync, atomic
     * rename, fsync of the target's directory.
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
        syncDirectory(parent);
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

    /** Makes renames in {@code dir} durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UnsupportedOperationException notOnThisFileSystem) {
            // the file data itself is synced; nothing more can be done here
        }
    }
}
