package dev.mediaflow.queue.items;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.PriorityRule;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The checks of the fields the queue's JSON bodies share, each refusal a 400 that names the field. */
final class RequestFields {

    static final int MAX_ID_LENGTH = 200;

    private RequestFields() {
    }

    /** In the order of {@link Operation}, without duplicates; at least one; never the benchmark's {@code noop}. */
    static List<Operation> operations(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw ApiException.badRequest("operations must name at least one of thumbnail, blur, low-quality, depth");
        }
        Set<Operation> valid = EnumSet.noneOf(Operation.class);
        for (String name : names) {
            try {
                valid.add(Operation.fromRequest(name, false));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        return new ArrayList<>(valid);
    }

    /** null stays null (the caller's default); otherwise 1..200. */
    static Integer priority(Integer priority) {
        if (priority != null && !PriorityRule.isValid(priority)) {
            throw ApiException.badRequest("priority must be between " + PriorityRule.MIN + " and " + PriorityRule.MAX
                    + ", got " + priority);
        }
        return priority;
    }

    static UUID queueId(String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("queueId is required");
        }
        return ItemQueryParser.queueId(value);
    }

    /** A project or batch id as the upload takes it: 1..200 printable characters. */
    static String id(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(field + " is required");
        }
        if (value.length() > MAX_ID_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(field + " must be at most " + MAX_ID_LENGTH + " printable characters");
        }
        return value;
    }
}
