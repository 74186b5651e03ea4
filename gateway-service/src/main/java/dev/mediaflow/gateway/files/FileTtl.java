package dev.mediaflow.gateway.files;

import org.springframework.boot.convert.DurationStyle;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code MEDIAFLOW_FILE_TTL}: how long the originals and results of a media item are kept once its last job is
 * final, e.g. {@code 30d} or {@code 12h} (or ISO-8601, {@code P30D}). Unset or blank keeps files forever. Anything
 * else stops the gateway at start with {@link InvalidFileTtlException}: a typo must not silently keep, or remove,
 * everything.
 */
public final class FileTtl {

    private FileTtl() {
    }

    /** @throws InvalidFileTtlException when {@code value} is set but is no positive duration */
    public static Optional<Duration> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Duration ttl;
        try {
            ttl = DurationStyle.detectAndParse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidFileTtlException("MEDIAFLOW_FILE_TTL='" + value + "' is not a duration");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new InvalidFileTtlException("MEDIAFLOW_FILE_TTL='" + value + "' must be longer than zero");
        }
        return Optional.of(ttl);
    }
}
