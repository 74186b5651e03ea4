package dev.mediaflow.worker.torch;

import java.util.Locale;

/** {@code mediaflow.device} ({@code MEDIAFLOW_DEVICE}): where the depth model runs. */
public enum DeviceChoice {
    /** the GPU when PyTorch sees one, else the CPU */
    AUTO,
    CPU,
    /** the GPU or nothing: without one the model status is failed */
    GPU;

    public static DeviceChoice parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "auto" -> AUTO;
            case "cpu" -> CPU;
            case "gpu", "cuda" -> GPU;
            default -> throw new IllegalArgumentException(
                    "mediaflow.device (MEDIAFLOW_DEVICE) must be auto, cpu or gpu, was '" + value + "'");
        };
    }
}
