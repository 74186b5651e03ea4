package dev.mediaflow.messages;

import java.nio.file.Path;
import java.util.UUID;

/** CONTRACT.md section 5: where uploads and outputs live, relative to the storage root. */
public final class StorageLayout {

    private StorageLayout() {
    }

    public static String uploadPath(String owner, UUID mediaItemId, String extension) {
        return "uploads/" + owner + "/" + mediaItemId + "." + extension;
    }

    public static String outputDir(String owner, UUID mediaItemId) {
        return "processed/" + owner + "/" + mediaItemId;
    }

    /** Resolves a relative path from a message, refusing one that leaves the root. */
    public static Path resolve(Path root, String relative) {
        Path normalizedRoot = root.toAbsolutePath().normalize();
        Path resolved = normalizedRoot.resolve(relative).normalize();
        if (Path.of(relative).isAbsolute() || !resolved.startsWith(normalizedRoot)) {
            throw new IllegalArgumentException("path leaves the storage root: " + relative);
        }
        return resolved;
    }
}
