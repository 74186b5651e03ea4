package dev.mediaflow.visionworker.tasks;

import dev.mediaflow.messages.Operation;
import dev.mediaflow.messages.VariantResult;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.storage.DurableFiles;
import dev.mediaflow.visionworker.depth.DepthBatcher;
import dev.mediaflow.visionworker.depth.DepthEstimator;
import dev.mediaflow.visionworker.depth.DepthMap;
import dev.mediaflow.visionworker.depth.DepthSettings;
import dev.mediaflow.worker.media.DecodeLimits;
import dev.mediaflow.worker.TaskContext;
import dev.mediaflow.worker.TaskHandler;
import dev.mediaflow.worker.media.MediaDecoder;
import dev.mediaflow.worker.meters.CodecTimers;
import org.bytedeco.opencv.opencv_core.Mat;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Vision tasks: the depth map of a photo, or of the same video frame the image worker uses. */
@Component
class DepthTaskHandler implements TaskHandler {

    /** Progress steps (percent of the task), each one {@code task.progress} event: a video's frame grab, the decode,
     * the inference (the long part), the PNG written; {@code task.succeeded} makes it 100. */
    static final int FRAME_GRABBED = 10;
    static final int DECODED = 30;
    static final int INFERRED = 80;
    static final int ENCODED = 95;

    private final DepthEstimator estimator;
    private final DepthBatcher batcher;
    private final MediaDecoder decoder;
    private final CodecTimers codec;
    private final int maxOutputSide;

    DepthTaskHandler(DepthEstimator estimator, DepthBatcher batcher, DepthSettings settings, DecodeLimits limits,
                     CodecTimers codec) {
        this.estimator = estimator;
        this.batcher = batcher;
        this.decoder = new MediaDecoder(limits);
        this.codec = codec;
        this.maxOutputSide = settings.maxOutputSide();
    }

    @Override
    public WorkerKind kind() {
        return WorkerKind.VISION;
    }

    @Override
    public String device() {
        return estimator.status().device();
    }

    /** Tasks wait in their queue until the model is loaded; a model that failed keeps them waiting. */
    @Override
    public CompletableFuture<Void> ready() {
        return estimator.ready();
    }

    @Override
    public Map<String, VariantResult> handle(TaskContext context) throws IOException {
        if (!context.task().operations().contains(Operation.DEPTH)) {
            return Map.of();
        }
        context.checkpoint();
        DepthMap depth;
        // decoded no larger than the depth map may be: the map takes the picture's size, aspect kept
        try (Mat picture = codec.decode(() -> decoder.decode(context.input(), context.task().mediaType(),
                maxOutputSide, () -> context.progress(FRAME_GRABBED)))) {
            context.progress(DECODED);
            context.checkpoint();
            depth = batcher.estimate(picture);
        }
        context.progress(INFERRED);
        context.checkpoint();
        Path target = context.outputDir().resolve(Operation.DEPTH.fileName());
        long bytes = DurableFiles.write(target, depth.png());
        context.progress(ENCODED);
        return Map.of(Operation.DEPTH.json(),
                new VariantResult(depth.width(), depth.height(), bytes, estimator.status().model()));
    }
}
