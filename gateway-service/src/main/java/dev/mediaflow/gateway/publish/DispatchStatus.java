package dev.mediaflow.gateway.publish;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where an accepted job stands: confirmed by the broker, or waiting in the spool. A duplicate upload that reuses
 * earlier results has one of these too (the contract's 202 knows only {@code queued} and {@code pending}): its
 * record reaches queue-service like any job's, and the queue item turns {@code completed} there, nothing runs.
 */
public enum DispatchStatus {
    QUEUED("queued"),
    PENDING("pending");

    private final String json;

    DispatchStatus(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
