package dev.mediaflow.gateway.upload;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.PriorityRule;

import java.util.List;

/**
 * The optional form fields of an upload, checked one by one as they arrive.
 *
 * @param priority null means "from the priority rule"
 * @param force    {@code force=true}: process the upload even when it repeats a completed media item of the
 *                 same owner (no dedup)
 */
public record UploadOptions(List<Operation> operations, Integer priority, int maxAttempts,
                            String projectId, String batchId, boolean force) {

    static final int DEFAULT_MAX_ATTEMPTS = 3;
    private static final int MAX_ID_LENGTH = 200;

    public static UploadOptions defaults() {
        return new UploadOptions(Operation.standard(), null, DEFAULT_MAX_ATTEMPTS, null, null, false);
    }

    /** Returns these options with one form field applied; unknown fields are ignored. */
    public UploadOptions with(String field, String rawValue) {
        return with(field, rawValue, false);
    }

    /**
     * {@link #with(String, String)}, where {@code benchNoop} (the gateway's {@code MEDIAFLOW_BENCH_NOOP}) lets
     * {@code operations} name the benchmark's {@code noop}.
     */
    public UploadOptions with(String field, String rawValue, boolean benchNoop) {
        String value = rawValue == null ? "" : rawValue.trim();
        return switch (field) {
            case "operations" -> new UploadOptions(operations(value, benchNoop), priority, maxAttempts, projectId, batchId, force);
            case "priority" -> new UploadOptions(operations, value.isEmpty() ? null
                    : intIn("priority", value, PriorityRule.MIN, PriorityRule.MAX), maxAttempts, projectId, batchId,
                    force);
            case "maxAttempts" -> new UploadOptions(operations, priority, value.isEmpty() ? DEFAULT_MAX_ATTEMPTS
                    : intIn("maxAttempts", value, 1, 10), projectId, batchId, force);
            case "projectId" -> new UploadOptions(operations, priority, maxAttempts, id("projectId", value), batchId,
                    force);
            case "batchId" -> new UploadOptions(operations, priority, maxAttempts, projectId, id("batchId", value),
                    force);
            case "analysis_type" -> new UploadOptions(analysisType(value), priority, maxAttempts, projectId, batchId,
                    force);
            case "force" -> new UploadOptions(operations, priority, maxAttempts, projectId, batchId, bool("force", value));
            default -> this;
        };
    }

    private static boolean bool(String field, String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw ApiException.badRequest("field '" + field + "' must be true or false, got '"
                    + abbreviate(value) + "'");
        };
    }

    private static List<Operation> operations(String value, boolean benchNoop) {
        try {
            return Operation.parseList(value, benchNoop);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field 'operations': " + e.getMessage());
        }
    }

    /** The vision-gateway seed's field: depth, variants or comprehensive (all four). */
    private static List<Operation> analysisType(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "depth" -> List.of(Operation.DEPTH);
            case "variants" -> List.of(Operation.THUMBNAIL, Operation.BLUR, Operation.LOW_QUALITY);
            case "comprehensive", "" -> Operation.standard();
            default -> throw ApiException.badRequest("field 'analysis_type' must be depth, variants or comprehensive, got '"
                    + abbreviate(value) + "'");
        };
    }

    private static int intIn(String field, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("field '" + field + "' must be a whole number " + min + ".." + max
                    + ", got '" + abbreviate(value) + "'");
        }
        if (parsed < min || parsed > max) {
            throw ApiException.badRequest("field '" + field + "' must be " + min + ".." + max + ", got " + parsed);
        }
        return parsed;
    }

    private static String id(String field, String value) {
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_ID_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("field '" + field + "' must be at most " + MAX_ID_LENGTH
                    + " printable characters");
        }
        return value;
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
