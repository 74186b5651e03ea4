package dev.mediaflow.messages;

import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/** docs/api.md, "Where files land": where uploads and outputs live, relative to the storage root. */
public final class StorageLayout {

    /**
     * Work folders of running attempts, one per attempt ({@code staging/<kind>/<attempt>}), on the same
     * file system as {@code processed/} so that promoting a finished output is an atomic rename.
     */
    public static final String STAGING = "staging";

    /** An owner is one safe path segment (what the gateway accepts as an owner name). */
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** The stored extensions are short lower-case names (jpg, png, mp4, ...). */
    private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,8}");

    private StorageLayout() {
    }

    public static String uploadPath(String owner, UUID mediaItemId, String extension) {
        return "uploads/" + owner + "/" + mediaItemId + "." + extension;
    }

    public static String outputDir(String owner, UUID mediaItemId) {
        return "processed/" + owner + "/" + mediaItemId;
    }

    /** Whether {@code owner} can be a path segment of {@link #uploadPath} and {@link #outputDir}. */
    public static boolean isOwner(String owner) {
        return owner != null && OWNER.matcher(owner).matches() && !owner.equals("..") && !owner.equals(".");
    }

    /** Whether {@code extension} is one a stored upload can have. */
    public static boolean isExtension(String extension) {
        return extension != null && EXTENSION.matcher(extension).matches();
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
