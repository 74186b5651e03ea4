package dev.mediaflow.gateway.web;

import org.springframework.http.HttpStatus;

/** A refusal with its HTTP status and short error code; rendered as {@link ErrorBody}. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;

    public ApiException(HttpStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, "not_found", message);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public ErrorBody body() {
        return new ErrorBody(code, getMessage());
    }
}
