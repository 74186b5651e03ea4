package dev.mediaflow.imageworker.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import dev.mediaflow.worker.torch.DeviceChoice;
import dev.mediaflow.worker.torch.DjlRuntime;
import org.bytedeco.opencv.global.opencv_core;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the variants' pixel work (shrinking and blurring) runs, and why: "cpu" with OpenCV, or "gpu" with
 * libtorch through DJL ({@link TorchPixelOps}). Decoding and WebP encoding stay on the CPU either way.
 *
 * <p>OpenCV's own CUDA modules would be the natural GPU path, but the only CUDA build on Maven Central
 * ({@code opencv:linux-x86_64-gpu}, 130 MB, plus the CUDA runtime) is too heavy for the workers' images, while
 * the vision worker's image already holds a CUDA libtorch: so a GPU image worker uses libtorch, which the
 * tests hold to OpenCV's pixels ({@code TorchPixelOpsTest}).
 *
 * <p>{@code MEDIAFLOW_DEVICE=auto} takes the GPU only when the CUDA runtime reports a device and DJL's PyTorch
 * engine starts with it (a CUDA libtorch named by {@code PYTORCH_LIBRARY_PATH}); anything missing falls back to
 * the CPU with the reason logged. {@code gpu} refuses to start without one; {@code cpu} never looks.
 *
 * @param cudaDevices what OpenCV's CUDA check found (0 with the bundled CPU build), for the log
 */
public record ImageDevice(String name, int cudaDevices, String reason, PixelOps ops) {

    private static final Logger log = LoggerFactory.getLogger(ImageDevice.class);

    /** The CPU path, without looking for a GPU. */
    public static ImageDevice cpu(String reason) {
        return new ImageDevice("cpu", 0, reason, new CpuPixelOps());
    }

    public static ImageDevice detect(DeviceChoice choice) {
        ImageDevice device = probe(choice, CudaUtils::getGpuCount);
        log.info("image-worker device: {} ({})", device.name(), device.reason());
        return device;
    }

    public boolean gpu() {
        return "gpu".equals(name);
    }

    interface CudaCount {
        int devices();
    }

    static ImageDevice probe(DeviceChoice choice, CudaCount cuda) {
        int opencvCuda = opencvCudaDevices();
        if (choice == DeviceChoice.CPU) {
            return new ImageDevice("cpu", opencvCuda, "MEDIAFLOW_DEVICE=cpu", new CpuPixelOps());
        }
        String missing = gpuMissing(cuda);
        if (missing == null) {
            return new ImageDevice("gpu", opencvCuda, "MEDIAFLOW_DEVICE=" + choice.name().toLowerCase()
                    + ": resize and blur on CUDA with libtorch " + Engine.getEngine(DjlRuntime.ENGINE).getVersion()
                    + "; decode and WebP encode on the CPU", new TorchPixelOps(Device.gpu()));
        }
        if (choice == DeviceChoice.GPU) {
            throw new IllegalStateException("MEDIAFLOW_DEVICE=gpu, but " + missing
                    + ": set MEDIAFLOW_DEVICE=auto or cpu");
        }
        return new ImageDevice("cpu", opencvCuda, "MEDIAFLOW_DEVICE=auto: " + missing + "; variants on the CPU"
                + " with OpenCV", new CpuPixelOps());
    }

    /** Null when a CUDA libtorch is usable, else why not. */
    private static String gpuMissing(CudaCount cuda) {
        int devices;
        try {
            devices = cuda.devices();
        } catch (RuntimeException | LinkageError e) {
            return "the CUDA runtime cannot be asked (" + e.getMessage() + ")";
        }
        if (devices <= 0) {
            return "no CUDA device (or no CUDA runtime library) is visible";
        }
        try {
            Engine engine = DjlRuntime.start();
            if (engine.getGpuCount() <= 0) {
                return devices + " CUDA device(s) are present, but the libtorch DJL loaded has no CUDA"
                        + " (set PYTORCH_LIBRARY_PATH to a CUDA libtorch)";
            }
            return null;
        } catch (RuntimeException | LinkageError e) {
            return devices + " CUDA device(s) are present, but DJL's PyTorch engine did not start (" + e + ")";
        }
    }

    private static int opencvCudaDevices() {
        try {
            return Math.max(0, opencv_core.getCudaEnabledDeviceCount());
        } catch (LinkageError | RuntimeException e) {
            return 0;
        }
    }
}
