package dev.mediaflow.visionworker.depth;

import java.util.Locale;

/**
 * What the depth model is doing, for health and heartbeats.
 *
 * @param model   the model's file name; null when none is configured
 * @param device  "cpu" or "gpu": the device in use once loaded, the one asked for before
 * @param message why it failed; null otherwise
 * @param deviceReason why that device: what {@code MEDIAFLOW_DEVICE} asked and what PyTorch saw; null before
 * @param precision "fp32", "fp16" or "bf16" once loaded (the model file's own); null before
 */
public record ModelStatus(String model, State status, String device, String message, String deviceReason,
                          String precision) {

    public ModelStatus(String model, State status, String device, String message) {
        this(model, status, device, message, null, null);
    }

    public enum State {
        LOADING, LOADED, FAILED;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean loaded() {
        return status == State.LOADED;
    }
}
