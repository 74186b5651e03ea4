package dev.mediaflow.queue.store;

import dev.mediaflow.queue.job.JobStatus;

/**
 * A validated list query. {@code owner} null means every owner (admin).
 * {@code orderColumn} and {@code direction} come from a whitelist, never from the request text.
 */
public record ItemQuery(String owner, JobStatus status, int limit, long offset, OrderBy orderBy, boolean descending) {

    public enum OrderBy {
        PRIORITY("j.priority"), QUEUED_AT("j.queued_at"), FILE_SIZE("m.file_size");

        private final String column;

        OrderBy(String column) {
            this.column = column;
        }

        public String column() {
            return column;
        }
    }
}
