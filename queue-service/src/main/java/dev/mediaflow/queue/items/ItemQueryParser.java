package dev.mediaflow.queue.items;

import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.store.ItemQuery;
import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;

import java.util.Locale;
import java.util.UUID;

/** Checks every list parameter against its whitelist; anything else is a 400. */
public final class ItemQueryParser {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private ItemQueryParser() {
    }

    /**
     * {@code after} (optional) is a cursor from {@code pagination.next} of the same order and filter; with it,
     * {@code offset} counts from the cursor on.
     */
    static ItemQuery parse(Caller caller, String status, String limit, String offset, String orderBy,
                           String orderDirection, String after) {
        JobStatus filter = status(status);
        ItemQuery.OrderBy order = orderBy(orderBy);
        boolean descending = descending(orderDirection);
        ItemQuery.After start = after == null || after.isEmpty() ? null
                : ItemCursor.parse(after, order, descending, filter);
        return new ItemQuery(caller.ownerFilter(), filter, limit(limit), offset(offset), order, descending, start);
    }

    static UUID queueId(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("queueId must be a UUID: " + value);
        }
    }

    private static JobStatus status(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return JobStatus.fromJson(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(
                    "status must be one of pending, queued, processing, completed, failed, cancelled");
        }
    }

    /** 1..500, default 50. */
    public static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        int limit = integer(value, "limit");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    /** 0 or more, default 0. */
    public static long offset(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        int offset = integer(value, "offset");
        if (offset < 0) {
            throw ApiException.badRequest("offset must not be negative");
        }
        return offset;
    }

    private static ItemQuery.OrderBy orderBy(String value) {
        if (value == null || value.isEmpty()) {
            return ItemQuery.OrderBy.PRIORITY;
        }
        return switch (value) {
            case "priority" -> ItemQuery.OrderBy.PRIORITY;
            case "queued_at" -> ItemQuery.OrderBy.QUEUED_AT;
            case "file_size" -> ItemQuery.OrderBy.FILE_SIZE;
            default -> throw ApiException.badRequest("orderBy must be one of priority, queued_at, file_size");
        };
    }

    private static boolean descending(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        return switch (value.toUpperCase(Locale.ROOT)) {
            case "ASC" -> false;
            case "DESC" -> true;
            default -> throw ApiException.badRequest("orderDirection must be ASC or DESC");
        };
    }

    private static int integer(String value, String name) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer: " + value);
        }
    }
}
