package dev.mediaflow.gateway.publish;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where an accepted job stands: confirmed by the broker, or waiting in the spool; or, for a duplicate upload
 * that reuses earlier results, completed (its record reaches queue-service like any job's, nothing runs).
 */
public enum DispatchStatus {
    QUEUED("queued"),
    PENDING("pending"),
    COMPLETED("completed");

    private final String json;

    DispatchStatus(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
