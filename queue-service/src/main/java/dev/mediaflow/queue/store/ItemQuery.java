package dev.mediaflow.queue.store;

import dev.mediaflow.queue.job.JobStatus;

/**
 * A validated list query. {@code owner} null means every owner (admin).
 * {@code orderColumn} and {@code direction} come from a whitelist, never from the request text. The file size is
 * the job's copy of its media item's (migration V85), so that each order is one index of {@code jobs}.
 */
public record ItemQuery(String owner, JobStatus status, int limit, long offset, OrderBy orderBy, boolean descending) {

    public enum OrderBy {
        PRIORITY("j.priority"), QUEUED_AT("j.queued_at"), FILE_SIZE("j.file_size");

        private final String column;

        OrderBy(String column) {
            this.column = column;
        }

        public String column() {
            return column;
        }
    }
}
