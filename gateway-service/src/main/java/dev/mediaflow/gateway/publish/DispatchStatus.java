package dev.mediaflow.gateway.publish;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where an accepted job stands: confirmed by the broker, or waiting in the spool. */
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
