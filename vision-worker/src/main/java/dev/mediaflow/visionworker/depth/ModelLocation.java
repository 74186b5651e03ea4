package dev.mediaflow.visionworker.depth;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Where {@code MEDIAFLOW_DEPTH_MODEL} points: a path or a {@code file:} URL. Remote URLs are never fetched. */
public record ModelLocation(String name, Path file) {

    static final String NOT_CONFIGURED = "no model configured: set MEDIAFLOW_DEPTH_MODEL, see docs/depth-model.md";

    /** The file name shown in health, or null when nothing is configured; never throws. */
    /** {@code message} with the configured location, as given and as an absolute path, cut to its file name. */
    public static String withoutPaths(String message, String location) {
        if (message == null || location == null || location.isBlank()) {
            return message;
        }
        String name = displayName(location);
        String result = message;
        try {
            Path path = location.toLowerCase().startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
            result = result.replace(path.toAbsolutePath().normalize().toString(), name);
        } catch (RuntimeException notAPath) {
            // the location as given is all there is to remove
        }
        return result.replace(location, name);
    }

    public static String displayName(String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        String trimmed = location.strip().replaceAll("[/\\\\]+$", "");
        int cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
        String name = trimmed.substring(cut + 1);
        int query = name.indexOf('?');
        return query >= 0 ? name.substring(0, query) : name;
    }

    /** Throws {@link IllegalArgumentException} with the message health reports. */
    public static ModelLocation resolve(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException(NOT_CONFIGURED);
        }
        String value = location.strip();
        String lower = value.toLowerCase(Locale.ROOT);
        Path file;
        if (lower.startsWith("https:") || lower.startsWith("http:")) {
            throw new IllegalArgumentException("remote model URLs are not supported offline: download " + value
                    + " and set MEDIAFLOW_DEPTH_MODEL to the file's path");
        } else if (lower.startsWith("file:")) {
            try {
                file = Path.of(URI.create(value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a usable file: URL: " + value + " (" + e.getMessage() + ")");
            }
        } else if (lower.matches("^[a-z][a-z0-9+.-]+:.*") && !lower.matches("^[a-z]:[\\\\/].*")) {
            throw new IllegalArgumentException("unsupported model location " + value + ": give a path or a file: URL");
        } else {
            file = Path.of(value);
        }
        file = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("model file not found: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("model file not readable: " + file);
        }
        return new ModelLocation(file.getFileName().toString(), file);
    }
}
