package dev.mediaflow.visionworker.meters;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import dev.mediaflow.visionworker.depth.DepthEstimator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.List;

/**
 * The depth model's state, for the alert "the depth model is not loaded" and the workers dashboard:
 * <ul>
 *   <li>{@code mediaflow_model_loaded}: 1 once loaded and warm, 0 while loading or after a failure (its tasks
 *       then wait in their queue: the queue grows while this is 0);</li>
 *   <li>{@code mediaflow_model_load_seconds}: how long the last load took, warm-up pass included; NaN before;</li>
 *   <li>{@code mediaflow_device_info{device="cpu"|"gpu"}}: always 1, one series, on the device the model runs
 *       on (the one asked for while it loads);</li>
 *   <li>{@code mediaflow_gpu_memory_used_bytes}: memory in use on the GPU (all processes, as CUDA reports it);
 *       NaN on the CPU, where it means nothing;</li>
 *   <li>{@code mediaflow_gpu_utilization_ratio}: share of time a kernel ran on GPU 0, 0..1, from NVML
 *       ({@link GpuUtilisation}); NaN without an NVIDIA driver.</li>
 * </ul>
 */
public class ModelMeters implements MeterBinder {

    private final DepthEstimator estimator;

    public ModelMeters(DepthEstimator estimator) {
        this.estimator = estimator;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("mediaflow.model.loaded", estimator, e -> e.status().loaded() ? 1 : 0)
                .description("1 when the depth model is loaded and warm")
                .strongReference(true).register(registry);
        Gauge.builder("mediaflow.model.load", estimator, ModelMeters::loadSeconds)
                .description("how long the last load of the depth model took, warm-up pass included")
                .baseUnit("seconds").strongReference(true).register(registry);
        Gauge.builder("mediaflow.gpu.memory.used", estimator, ModelMeters::gpuMemoryUsed)
                .description("GPU memory in use (NaN on the CPU)")
                .baseUnit("bytes").strongReference(true).register(registry);
        GpuUtilisation gpu = GpuUtilisation.open();
        Gauge.builder("mediaflow.gpu.utilization", () -> gpu == null ? Double.NaN : gpu.busy())
                .description("share of time a kernel ran on GPU 0 (NaN without an NVIDIA driver)")
                .baseUnit("ratio").strongReference(true).register(registry);
        MultiGauge device = MultiGauge.builder("mediaflow.device.info")
                .description("1 on the device the depth model runs on")
                .register(registry);
        showDevice(device);
        // AUTO settles the device once loaded; a failed load keeps the one asked for
        estimator.ready().whenComplete((ok, failure) -> showDevice(device));
    }

    private void showDevice(MultiGauge device) {
        device.register(List.of(MultiGauge.Row.of(Tags.of("device", estimator.status().device()), 1)), true);
    }

    private static double loadSeconds(DepthEstimator estimator) {
        Duration took = estimator.loadTime();
        return took == null ? Double.NaN : took.toNanos() / 1e9;
    }

    private static double gpuMemoryUsed(DepthEstimator estimator) {
        if (!"gpu".equals(estimator.status().device()) || !estimator.status().loaded()) {
            return Double.NaN;
        }
        try {
            return CudaUtils.getGpuMemory(Device.gpu()).getUsed();
        } catch (RuntimeException | LinkageError e) {
            // no CUDA runtime library to ask: unknown rather than a made-up 0
            return Double.NaN;
        }
    }
}
