package dev.mediaflow.queue.items;

import java.util.List;

/** {@code count} is the number of items matching the filter, not the size of this page. */
public record ItemListResponse(long count, List<QueueItemView> items, Pagination pagination) {

    public record Pagination(int limit, long offset) {
    }
}
