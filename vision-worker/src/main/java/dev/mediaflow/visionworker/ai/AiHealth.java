package dev.mediaflow.visionworker.ai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mediaflow.visionworker.depth.ModelStatus;

/** Body of {@code GET /health}, proxied by the gateway as {@code /api/ai/health}. */
public record AiHealth(
        String status,
        String service,
        String model,
        @JsonProperty("model_status") String modelStatus,
        String device,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("device_reason") String deviceReason,
        @JsonInclude(JsonInclude.Include.NON_NULL) String precision,
        @JsonInclude(JsonInclude.Include.NON_NULL) String message) {

    static final String SERVICE = "vision-worker";

    static AiHealth of(ModelStatus model) {
        String status = switch (model.status()) {
            case LOADED -> "healthy";
            case LOADING -> "loading";
            case FAILED -> "unhealthy";
        };
        return new AiHealth(status, SERVICE, model.model(), model.status().json(), model.device(),
                model.deviceReason(), model.precision(), model.message());
    }
}
