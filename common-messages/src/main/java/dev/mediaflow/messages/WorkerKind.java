package dev.mediaflow.messages;

import com.fasterxml.jackson.annotation.JsonValue;

/** The two kinds of worker; each has its own task queue and routing key. */
public enum WorkerKind {
    IMAGE("image"),
    VISION("vision");

    private final String json;

    WorkerKind(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }

    public String routingKey() {
        return "task." + json;
    }

    public String queue() {
        return "mediaflow." + json + ".tasks";
    }

    public static WorkerKind fromJson(String value) {
        for (WorkerKind kind : values()) {
            if (kind.json.equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown worker kind: " + value);
    }
}
