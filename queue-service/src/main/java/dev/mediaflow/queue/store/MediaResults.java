package dev.mediaflow.queue.store;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A media item's results as one statement read them, and their version (V87: raised by every change of them), which
 * a job's Redis snapshot records so that a reader can tell a snapshot built before the item's latest results.
 *
 * @param results the item's rows of the results table, by name
 */
public record MediaResults(UUID mediaItemId, long version, List<ResultRow> results) {

    /** The same item's results with those of {@code more} after them (rows of one statement, merged). */
    MediaResults plus(MediaResults more) {
        List<ResultRow> all = new ArrayList<>(results);
        all.addAll(more.results);
        return new MediaResults(mediaItemId, version, List.copyOf(all));
    }
}
