package dev.mediaflow.visionworker.depth;

import java.util.Locale;

/**
 * What the depth model is doing, for health and heartbeats.
 *
 * @param model   the model's file name; null when none is configured
 * @param device  "cpu" or "gpu": the device in use once loaded, the one asked for before
 * @param message why it failed; null otherwise
 */
public record ModelStatus(String model, State status, String device, String message) {

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
