package dev.mediaflow.messages;

import com.fasterxml.jackson.annotation.JsonValue;

/** Status events on {@code mediaflow.events}; the routing key is the JSON name. */
public enum EventType {
    JOB_SUBMITTED("job.submitted"),
    TASK_STARTED("task.started"),
    TASK_PROGRESS("task.progress"),
    TASK_SUCCEEDED("task.succeeded"),
    TASK_FAILED("task.failed"),
    TASK_RETRYING("task.retrying"),
    TASK_DEAD("task.dead"),
    TASK_CANCELLED("task.cancelled");

    private final String routingKey;

    EventType(String routingKey) {
        this.routingKey = routingKey;
    }

    @JsonValue
    public String routingKey() {
        return routingKey;
    }

    public static EventType fromRoutingKey(String key) {
        for (EventType type : values()) {
            if (type.routingKey.equals(key)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown event type: " + key);
    }
}
