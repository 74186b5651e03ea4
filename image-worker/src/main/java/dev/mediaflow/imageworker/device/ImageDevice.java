package dev.mediaflow.imageworker.device;

import org.bytedeco.opencv.global.opencv_core;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the variants are computed: "cpu" or "gpu". Resizing and blurring run on the CPU in every case for now
 * (the bundled OpenCV build has no CUDA modules), so "gpu" is never reported; {@code cudaDevices} says what a
 * CUDA-enabled OpenCV would have found, so a GPU path can be switched on by it later.
 */
public record ImageDevice(String name, int cudaDevices, String reason) {

    private static final Logger log = LoggerFactory.getLogger(ImageDevice.class);

    public static ImageDevice detect() {
        ImageDevice device = probe();
        log.info("image-worker device: {} ({})", device.name(), device.reason());
        return device;
    }

    public boolean gpu() {
        return "gpu".equals(name);
    }

    static ImageDevice probe() {
        int count;
        try {
            count = opencv_core.getCudaEnabledDeviceCount();
        } catch (LinkageError | RuntimeException e) {
            return new ImageDevice("cpu", 0, "CUDA check failed: " + e);
        }
        if (count <= 0) {
            return new ImageDevice("cpu", 0, "OpenCV is built without CUDA or no CUDA device is present");
        }
        return new ImageDevice("cpu", count, count + " CUDA device(s) found, but variants are made on the CPU"
                + " (no CUDA path implemented)");
    }
}
