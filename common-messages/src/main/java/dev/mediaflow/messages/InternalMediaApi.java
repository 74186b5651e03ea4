package dev.mediaflow.messages;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The calls the gateway makes to queue-service for the work on a media item that needs both: the record
 * (queue-service) and the files (the gateway, which alone of the two has the storage). They live under
 * {@code /internal/}, which the gateway never forwards for a client, and are signed like every call with
 * the caller's identity, so queue-service still decides what the caller may see.
 */
public final class InternalMediaApi {

    private InternalMediaApi() {
    }

    /** GET, query {@code sha256} and {@code operations} (comma list): 200 {@link Duplicate}, or 404. */
    public static final String DUPLICATE = "/internal/media/duplicate";

    /** POST starts the deletion ({@link DeletionStarted}); GET tells how many of its tasks still run ({@link Running}). */
    public static String deletion(UUID mediaItemId) {
        return "/internal/media/" + mediaItemId + "/deletion";
    }

    /** DELETE, once the files are gone: the rows and the Redis keys go. */
    public static String mediaItem(UUID mediaItemId) {
        return "/internal/media/" + mediaItemId;
    }

    /**
     * The caller's own completed media item with the same bytes and exactly the asked operations as results.
     *
     * @param outputDir relative to the storage root, where its results lie
     */
    public record Duplicate(UUID mediaItemId, String outputDir, Map<String, VariantResult> results) {
    }

    /**
     * A deletion under way: the media item takes no new job and its unfinished jobs are cancelled.
     *
     * @param inputPath relative to the storage root, like {@code outputDir}
     */
    public record DeletionStarted(UUID mediaItemId, String owner, String inputPath, String outputDir,
                                  List<UUID> jobIds) {
    }

    /** Tasks of the media item's jobs that a worker still holds (started, not yet ended). */
    public record Running(long tasks) {
    }
}
