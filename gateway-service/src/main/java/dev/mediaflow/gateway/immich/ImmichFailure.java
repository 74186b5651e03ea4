package dev.mediaflow.gateway.immich;

import dev.mediaflow.http.ApiException;
import org.springframework.http.HttpStatus;

/**
 * Immich did not give what was asked: it was unreachable, too slow, cut a file short, refused the key or failed
 * ({@link #notFound()} false: the import cannot go on), or it does not have that one asset or album, or not
 * for this key ({@link #notFound()} true). The message names what was asked and never the API key.
 */
final class ImmichFailure extends RuntimeException {

    private final boolean notFound;

    private ImmichFailure(String message, boolean notFound) {
        super(message, null, false, false);
        this.notFound = notFound;
    }

    static ImmichFailure unavailable(String what, Throwable cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ImmichFailure("Immich could not be read (" + what + "): " + reason, false);
    }

    /** Immich answers 404 for an id it does not have and 400 "Not found or no access" for one the key may not read. */
    static ImmichFailure answered(String what, int status) {
        if (status == HttpStatus.NOT_FOUND.value() || status == HttpStatus.BAD_REQUEST.value()) {
            return new ImmichFailure("Immich has no " + what + " that this key may read (it answered " + status + ")",
                    true);
        }
        String why = status == 401 || status == 403 ? " (check IMMICH_API_KEY)" : "";
        return new ImmichFailure("Immich answered " + status + " for " + what + why, false);
    }

    boolean notFound() {
        return notFound;
    }

    /** The answer to the client: 502, also for a missing album (Immich refused what the import needs). */
    ApiException asBadGateway() {
        return new ApiException(HttpStatus.BAD_GATEWAY.value(), notFound ? "immich_not_found" : "immich_unavailable",
                getMessage());
    }
}
