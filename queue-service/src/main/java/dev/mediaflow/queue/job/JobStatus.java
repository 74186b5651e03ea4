package dev.mediaflow.queue.job;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** A queue item's status as docs/api.md names it. */
public enum JobStatus {
    PENDING, QUEUED, PROCESSING, COMPLETED, FAILED, CANCELLED;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    public boolean cancellable() {
        return !isFinal();
    }

    public boolean retryable() {
        return this == FAILED || this == CANCELLED;
    }

    public static JobStatus fromJson(String value) {
        for (JobStatus status : values()) {
            if (status.json().equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown status: " + value);
    }
}
