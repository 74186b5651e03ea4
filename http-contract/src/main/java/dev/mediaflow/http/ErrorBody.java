package dev.mediaflow.http;

/**
 * The one shape of every HTTP error of every service: {@code {"error":"<short_code>","message":"<human text>"}}
 * (docs/api.md). One record for the gateway and the internal services, so an error passed on by the
 * gateway reads the same as one it made itself.
 */
public record ErrorBody(String error, String message) {

    /** The body for a status without a more specific code. */
    public static ErrorBody forStatus(int status, String message) {
        return new ErrorBody(ErrorCodes.forStatus(status), message);
    }
}
