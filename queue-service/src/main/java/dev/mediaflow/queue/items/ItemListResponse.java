package dev.mediaflow.queue.items;

import dev.mediaflow.messages.QueueItem;
import java.util.List;

/** {@code count} is the number of items matching the filter, not the size of this page. */
public record ItemListResponse(long count, List<QueueItem> items, Pagination pagination) {

    /** {@code next}: the {@code after} cursor of the page after this one; null on the last page. */
    public record Pagination(int limit, long offset, String next) {
    }
}
