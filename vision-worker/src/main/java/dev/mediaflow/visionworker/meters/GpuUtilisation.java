package dev.mediaflow.visionworker.meters;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * How busy GPU 0 is, from NVIDIA's management library (NVML, {@code libnvidia-ml.so.1}, which the driver installs
 * and the NVIDIA container runtime mounts), called through JNA, which DJL already brings. CUDA itself cannot say
 * this, and asking {@code nvidia-smi} would fork a process per scrape.
 *
 * <p>{@link #open()} answers null where there is no driver (every CPU machine), so the gauge reads NaN there.
 */
public final class GpuUtilisation {

    /** The three NVML calls used; {@code utilization} is NVML's {@code {unsigned gpu; unsigned memory;}}. */
    interface Nvml extends Library {
        int nvmlInit_v2();

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        int nvmlDeviceGetUtilizationRates(Pointer device, int[] utilization);
    }

    private final Nvml nvml;
    private final Pointer device;

    private GpuUtilisation(Nvml nvml, Pointer device) {
        this.nvml = nvml;
        this.device = device;
    }

    /** GPU 0's NVML handle, or null when NVML or the GPU is missing. */
    public static GpuUtilisation open() {
        Nvml nvml = load();
        if (nvml == null || nvml.nvmlInit_v2() != 0) {
            return null;
        }
        PointerByReference handle = new PointerByReference();
        if (nvml.nvmlDeviceGetHandleByIndex_v2(0, handle) != 0) {
            return null;
        }
        return new GpuUtilisation(nvml, handle.getValue());
    }

    private static Nvml load() {
        for (String name : new String[] {"nvidia-ml", "libnvidia-ml.so.1"}) {
            try {
                return Native.load(name, Nvml.class);
            } catch (UnsatisfiedLinkError e) {
                // next name; none: no NVIDIA driver here
            }
        }
        return null;
    }

    /** Share of the last sample period in which a kernel ran on the GPU, 0..1; NaN if NVML fails. */
    public double busy() {
        int[] utilization = new int[2];
        return nvml.nvmlDeviceGetUtilizationRates(device, utilization) == 0 ? utilization[0] / 100.0 : Double.NaN;
    }
}
