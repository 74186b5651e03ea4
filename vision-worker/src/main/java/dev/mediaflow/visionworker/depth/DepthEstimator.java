package dev.mediaflow.visionworker.depth;

import dev.mediaflow.worker.torch.DeviceChoice;
import dev.mediaflow.worker.torch.DjlRuntime;
import ai.djl.Device;
import ai.djl.engine.Engine;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Depth maps from 8-bit BGR pictures. The model loads once, in the background (the application starts
 * meanwhile), gets one warm-up pass and stays loaded; {@link #ready()} says when. A model that cannot load
 * leaves the estimator in status failed with the reason, and every {@code estimate} call then throws
 * {@link DepthModelUnavailableException}.
 *
 * <p>Every forward pass and every depth map made is told to an {@link InferenceListener} (the worker's meters).
 */
public class DepthEstimator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DepthEstimator.class);

    private final DepthSettings settings;
    private final DeviceChoice deviceChoice;
    private final DepthPreprocessor preprocessor;
    private final InferenceListener listener;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Duration loadTime;
    private volatile ModelStatus status;
    private volatile DepthModel model;
    private volatile boolean closed;

    private DepthEstimator(DepthSettings settings, DeviceChoice deviceChoice, InferenceListener listener) {
        this.settings = settings;
        this.deviceChoice = deviceChoice;
        this.listener = listener;
        this.preprocessor = DepthPreprocessor.of(settings);
        this.status = new ModelStatus(ModelLocation.displayName(settings.model()), ModelStatus.State.LOADING,
                deviceChoice == DeviceChoice.GPU ? "gpu" : "cpu", null);
    }

    /** Starts loading the model on a background thread and returns at once. */
    public static DepthEstimator start(DepthSettings settings, DeviceChoice deviceChoice) {
        return start(settings, deviceChoice, InferenceListener.NONE);
    }

    /** Starts loading the model on a background thread and returns at once; {@code listener} hears every pass. */
    public static DepthEstimator start(DepthSettings settings, DeviceChoice deviceChoice, InferenceListener listener) {
        DepthEstimator estimator = new DepthEstimator(settings, deviceChoice, listener);
        Thread loader = new Thread(estimator::load, "depth-model-loader");
        loader.setDaemon(true);
        loader.start();
        return estimator;
    }

    /** Completes when the model is loaded and warm; completes exceptionally when it failed. */
    public CompletableFuture<Void> ready() {
        return ready.copy();
    }

    public ModelStatus status() {
        return status;
    }

    public DepthSettings settings() {
        return settings;
    }

    /** How long the last successful load took, warm-up pass included; null until the model is loaded. */
    public Duration loadTime() {
        return loadTime;
    }

    /** Blocks while the model loads. */
    public DepthMap estimate(Mat bgr8) {
        return estimate(List.of(bgr8)).get(0);
    }

    /**
     * One depth map per picture, in order. Pictures whose model input has the same size are stacked into one
     * forward pass, up to {@code mediaflow.depth.batch} at a time.
     */
    public List<DepthMap> estimate(List<Mat> pictures) {
        DepthModel loaded = awaitModel();
        List<PreparedImage> prepared = pictures.stream().map(preprocessor::prepare).toList();
        Map<String, List<Integer>> bySize = new LinkedHashMap<>();
        for (int i = 0; i < prepared.size(); i++) {
            PreparedImage p = prepared.get(i);
            bySize.computeIfAbsent(p.width() + "x" + p.height(), k -> new ArrayList<>()).add(i);
        }
        DepthMap[] maps = new DepthMap[prepared.size()];
        for (List<Integer> group : bySize.values()) {
            for (int from = 0; from < group.size(); from += settings.batch()) {
                List<Integer> chunk = group.subList(from, Math.min(group.size(), from + settings.batch()));
                List<PreparedImage> images = chunk.stream().map(prepared::get).toList();
                PreparedImage first = images.get(0);
                long passStart = System.nanoTime();
                DepthModel.Output output = loaded.forward(PreparedImage.stack(images), images.size(),
                        first.width(), first.height());
                listener.forwardPass(images.size(), System.nanoTime() - passStart);
                for (int j = 0; j < chunk.size(); j++) {
                    PreparedImage image = images.get(j);
                    long mapStart = System.nanoTime();
                    maps[chunk.get(j)] = DepthPostprocessor.toDepthMap(output.values(), output.offset(j),
                            output.width(), output.height(), image.sourceWidth(), image.sourceHeight());
                    listener.depthMapMade(System.nanoTime() - mapStart);
                }
            }
        }
        return Arrays.asList(maps);
    }

    private DepthModel awaitModel() {
        try {
            ready.join();
        } catch (CompletionException e) {
            throw new DepthModelUnavailableException("depth model " + status.status().json() + ": " + status.message());
        }
        DepthModel loaded = model;
        if (loaded == null) {
            throw new DepthModelUnavailableException("depth model closed");
        }
        return loaded;
    }

    private void load() {
        long started = System.nanoTime();
        try {
            ModelLocation location = ModelLocation.resolve(settings.model());
            Engine engine = DjlRuntime.start();
            DeviceDecision decision = chooseDevice(engine.getGpuCount());
            Device device = decision.device();
            String deviceName = device.isGpu() ? "gpu" : "cpu";
            status = new ModelStatus(location.name(), ModelStatus.State.LOADING, deviceName, null,
                    decision.reason(), null);
            DepthModel candidate = DepthModel.load(location.file(), device);
            long warmUp = warmUp(candidate);
            synchronized (this) {
                if (closed) {
                    candidate.close();
                    throw new IllegalStateException("closed while loading");
                }
                model = candidate;
                loadTime = Duration.ofNanos(System.nanoTime() - started);
                status = new ModelStatus(location.name(), ModelStatus.State.LOADED, deviceName, null,
                        decision.reason(), candidate.precision());
            }
            log.info("Depth model {} loaded on {} ({}) in {} ms, {} (warm-up pass {} ms, input {} {}, batch {})",
                    location.file(), deviceName, decision.reason(), (System.nanoTime() - started) / 1_000_000,
                    candidate.precision(), warmUp, settings.inputSize(),
                    settings.fixedInput() ? "fixed square" : "short side", settings.batch());
            ready.complete(null);
        } catch (Exception | LinkageError e) {
            String message = e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    ? e.getMessage() : "cannot load the depth model: " + e;
            log.error("Depth model failed: {} (the worker stays up; /health answers 503)", message);
            // health is relayed to API clients, which must never see a server path
            status = new ModelStatus(status.model(), ModelStatus.State.FAILED, status.device(),
                    ModelLocation.withoutPaths(message, settings.model()));
            ready.completeExceptionally(e);
        }
    }

    /** The device the model runs on, and why, in words for the log and the health answer. */
    record DeviceDecision(Device device, String reason) {
    }

    DeviceDecision chooseDevice(int gpuCount) {
        String seen = gpuCount > 0 ? "PyTorch " + Engine.getEngine(DjlRuntime.ENGINE).getVersion() + " sees "
                + gpuCount + " GPU(s)" : "PyTorch sees no GPU (a CPU libtorch, or no CUDA device)";
        return switch (deviceChoice) {
            case CPU -> new DeviceDecision(Device.cpu(), "MEDIAFLOW_DEVICE=cpu: depth runs on the CPU");
            case GPU -> {
                if (gpuCount <= 0) {
                    throw new IllegalStateException("MEDIAFLOW_DEVICE=gpu, but PyTorch sees no GPU (DJL counts 0;"
                            + " the bundled pytorch-native-cpu has no CUDA): set MEDIAFLOW_DEVICE=auto or cpu");
                }
                yield new DeviceDecision(Device.gpu(), "MEDIAFLOW_DEVICE=gpu: " + seen + ", depth runs on gpu(0)");
            }
            case AUTO -> new DeviceDecision(gpuCount > 0 ? Device.gpu() : Device.cpu(), "MEDIAFLOW_DEVICE=auto: "
                    + seen + (gpuCount > 0 ? ", depth runs on gpu(0)" : ", depth runs on the CPU"));
        };
    }

    private long warmUp(DepthModel candidate) {
        long started = System.nanoTime();
        int[] size = preprocessor.inputSizeFor(settings.inputSize(), settings.inputSize());
        float[] zeros = new float[3 * size[0] * size[1]];
        DepthModel.Output output = candidate.forward(zeros, 1, size[0], size[1]);
        if (output.values().length != output.width() * output.height()) {
            throw new IllegalStateException("the depth model's output does not match its shape");
        }
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Override
    public synchronized void close() {
        closed = true;
        DepthModel loaded = model;
        model = null;
        if (loaded != null) {
            loaded.close();
        }
    }
}
