package dev.mediaflow.visionworker.ai;

import java.util.Map;

/** Body of {@code GET /info}, proxied by the gateway as {@code /api/ai/info}. */
public record AiInfo(String message, String version, String model, Map<String, String> endpoints) {
}
