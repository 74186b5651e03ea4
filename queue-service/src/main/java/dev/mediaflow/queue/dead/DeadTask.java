package dev.mediaflow.queue.dead;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.UUID;

/** One task in the parking lot: it used all its attempts (or its lease ran out on the last one). */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"queueId", "kind", "attempts", "error", "dead_at"})
public record DeadTask(
        UUID queueId,
        String kind,
        int attempts,
        String error,
        @JsonProperty("dead_at") Instant deadAt) {
}
