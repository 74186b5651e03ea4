package dev.mediaflow.queue.items;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.job.JobStatus;
import dev.mediaflow.queue.store.ItemQuery;
import dev.mediaflow.queue.store.JobWithMedia;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code after} cursor of {@code GET /api/queue/items} and the {@code pagination.next} that hands it out: the
 * sort key and id of the last item of a page, with the order and status filter it was made for, as base64url text.
 * Clients treat it as opaque. It is checked, not trusted: a cursor used with another order or filter, or one that
 * is not a cursor at all, is a 400 that says which. It holds no owner, and needs none: the page is always
 * filtered by the caller's own jobs, so a cursor can only say where in the caller's list to start.
 */
final class ItemCursor {

    /** Well above what a cursor of this version takes (about 140 characters). */
    static final int MAX_LENGTH = 512;
    private static final String VERSION = "v1";
    private static final String NONE = "-";
    private static final Set<String> ORDERS = Arrays.stream(ItemQuery.OrderBy.values())
            .map(ItemQuery.OrderBy::outputName).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> STATUSES = Stream.concat(Stream.of(NONE),
            Arrays.stream(JobStatus.values()).map(JobStatus::json)).collect(Collectors.toUnmodifiableSet());

    private ItemCursor() {
    }

    /** The cursor of the page after {@code last}, for this query's order and filter. */
    static String after(ItemQuery query, JobWithMedia last) {
        Object key = query.orderBy().keyOf(last);
        String text = String.join("\n", VERSION, query.orderBy().outputName(), direction(query.descending()),
                query.status() == null ? NONE : query.status().json(), key.toString(), last.job().id().toString());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Where the page starts, from a cursor made for the same order, direction and status; else a 400. */
    static ItemQuery.After parse(String cursor, ItemQuery.OrderBy orderBy, boolean descending, JobStatus status) {
        String[] fields = fields(cursor);
        if (!fields[1].equals(orderBy.outputName()) || !fields[2].equals(direction(descending))) {
            throw ApiException.badRequest("after was made for another order (orderBy=" + fields[1]
                    + "&orderDirection=" + fields[2] + "), not orderBy=" + orderBy.outputName()
                    + "&orderDirection=" + direction(descending)
                    + ": use it with the order it came with, or start again without after");
        }
        String wanted = status == null ? NONE : status.json();
        if (!fields[3].equals(wanted)) {
            throw ApiException.badRequest("after was made for another status filter ("
                    + (fields[3].equals(NONE) ? "none" : "status=" + fields[3]) + "), not "
                    + (status == null ? "none" : "status=" + wanted)
                    + ": use it with the filter it came with, or start again without after");
        }
        try {
            return new ItemQuery.After(key(orderBy, fields[4]), UUID.fromString(fields[5]));
        } catch (RuntimeException e) {
            throw garbled();
        }
    }

    private static String[] fields(String cursor) {
        if (cursor.length() > MAX_LENGTH) {
            throw garbled();
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw garbled();
        }
        String[] fields = text.split("\n", -1);
        if (fields.length != 6 || !fields[0].equals(VERSION) || !ORDERS.contains(fields[1])
                || !(fields[2].equals("ASC") || fields[2].equals("DESC")) || !STATUSES.contains(fields[3])) {
            throw garbled();
        }
        return fields;
    }

    private static Object key(ItemQuery.OrderBy orderBy, String text) {
        return switch (orderBy) {
            case PRIORITY -> Integer.valueOf(text);
            case QUEUED_AT -> Instant.parse(text);
            case FILE_SIZE -> Long.valueOf(text);
        };
    }

    private static String direction(boolean descending) {
        return descending ? "DESC" : "ASC";
    }

    private static ApiException garbled() {
        return ApiException.badRequest("after is not a cursor of this list (take it from pagination.next as it is)"
                + ", or start again without after");
    }
}
