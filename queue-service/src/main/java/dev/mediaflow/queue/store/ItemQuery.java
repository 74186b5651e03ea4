package dev.mediaflow.queue.store;

import dev.mediaflow.queue.job.JobStatus;

import java.time.Instant;
import java.util.UUID;

/**
 * A validated list query. {@code owner} null means every owner (admin).
 * {@code orderColumn} and {@code direction} come from a whitelist, never from the request text. The file size is
 * the job's copy of its media item's (migration V85), so that each order is one index of {@code jobs}.
 * {@code after}, when set, is the last item of the previous page (keyset pagination): the page starts right after
 * it in this order, so a deep page reads no more rows than the first one.
 */
public record ItemQuery(String owner, JobStatus status, int limit, long offset, OrderBy orderBy, boolean descending,
                        After after) {

    public ItemQuery(String owner, JobStatus status, int limit, long offset, OrderBy orderBy, boolean descending) {
        this(owner, status, limit, offset, orderBy, descending, null);
    }

    /** The same query for one row more: whether that row exists tells if a next page does. */
    public ItemQuery oneMore() {
        return new ItemQuery(owner, status, limit + 1, offset, orderBy, descending, after);
    }

    /**
     * Where a page starts: the sort key of the last item seen ({@link Integer} priority, {@link Instant} queued_at or
     * {@link Long} file size, as {@link OrderBy#keyOf} gives it) and its id, which breaks ties.
     */
    public record After(Object key, UUID id) {

        public After {
            if (key == null || id == null) {
                throw new IllegalArgumentException("a cursor needs a key and an id");
            }
        }
    }

    public enum OrderBy {
        PRIORITY("j.priority", "priority"), QUEUED_AT("j.queued_at", "queued_at"), FILE_SIZE("j.file_size", "file_size");

        private final String column;
        private final String outputName;

        OrderBy(String column, String outputName) {
            this.column = column;
            this.outputName = outputName;
        }

        public String column() {
            return column;
        }

        /** The name of the sort column in the list's select list (the media item's copy for the file size). */
        public String outputName() {
            return outputName;
        }

        /** The sort key of one listed item, as a cursor holds it. */
        public Object keyOf(JobWithMedia item) {
            return switch (this) {
                case PRIORITY -> item.job().priority();
                case QUEUED_AT -> item.job().queuedAt();
                case FILE_SIZE -> item.media().fileSize();
            };
        }
    }
}
