package dev.mediaflow.worker.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where JavaCPP extracts the OpenCV/FFmpeg native libraries. Must run before the first JavaCV/OpenCV class
 * loads (JavaCPP reads the property once); a value given with {@code -Dorg.bytedeco.javacpp.cachedir} wins.
 */
public final class NativeCache {

    public static final String PROPERTY = "org.bytedeco.javacpp.cachedir";

    private NativeCache() {
    }

    /** Creates the directory if needed and returns the cache directory in effect. */
    public static Path configure(Path dir) {
        String existing = System.getProperty(PROPERTY);
        Path effective = existing != null && !existing.isBlank() ? Path.of(existing) : dir.toAbsolutePath();
        try {
            Files.createDirectories(effective);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create native library cache " + effective, e);
        }
        System.setProperty(PROPERTY, effective.toString());
        return effective;
    }
}
