package dev.mediaflow.http;

/**
 * A refusal with its HTTP status and short error code, rendered as {@link ErrorBody} by each service's error
 * handler. The status is a plain number so this class needs no web framework; a refusal is an expected outcome,
 * so it carries no stack trace.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an ApiException is a 4xx or 5xx answer, not " + status);
        }
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }

    /** 410: the thing existed, and its files were removed after {@code MEDIAFLOW_FILE_TTL}; not a bare 404. */
    public static ApiException expired(String message) {
        return new ApiException(410, "expired", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public ErrorBody body() {
        return new ErrorBody(code, getMessage());
    }
}
