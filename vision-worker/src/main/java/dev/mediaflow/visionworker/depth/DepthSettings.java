package dev.mediaflow.visionworker.depth;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The depth model, bound from {@code mediaflow.depth.*} (environment: {@code MEDIAFLOW_DEPTH_MODEL},
 * {@code MEDIAFLOW_DEPTH_INPUT_SIZE}, {@code MEDIAFLOW_DEPTH_FIXED_INPUT}, {@code MEDIAFLOW_DEPTH_BATCH}).
 *
 * @param model      TorchScript file: a path or a {@code file:} URL; blank = no model (status failed)
 * @param inputSize  short side of the model input (rounded to multiples of 14), or the square side when fixed
 * @param fixedInput resize every image to exactly inputSize x inputSize (models with fixed position embeddings,
 *                   e.g. a Depth Anything V2 traced at 518x518)
 * @param batch      most same-size images stacked into one forward pass by {@link DepthEstimator#estimate(java.util.List)};
 *                   on a GPU also the number of tasks the worker takes at once, so that they can share that pass
 * @param batchWait  how long a task waits for others to share its forward pass ({@link DepthBatcher})
 * @param maxOutputSide longest side of the depth map (aspect kept; smaller sources keep their size). The model
 *                   sees about 518 px, so a larger map only interpolates, and at a 100 MP source's size the
 *                   float resize alone would take 400 MB; the picture is decoded no larger than this, too
 */
@ConfigurationProperties("mediaflow.depth")
public record DepthSettings(
        @DefaultValue("") String model,
        @DefaultValue("518") int inputSize,
        @DefaultValue("false") boolean fixedInput,
        @DefaultValue("4") int batch,
        @DefaultValue("5ms") java.time.Duration batchWait,
        @DefaultValue("2048") int maxOutputSide) {

    public DepthSettings {
        model = model == null ? "" : model.strip();
        if (inputSize < DepthPreprocessor.PATCH || inputSize > 4096) {
            throw new IllegalArgumentException("mediaflow.depth.input-size must be between "
                    + DepthPreprocessor.PATCH + " and 4096, was " + inputSize);
        }
        if (maxOutputSide < 1) {
            throw new IllegalArgumentException("mediaflow.depth.max-output-side must be positive, was " + maxOutputSide);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("mediaflow.depth.batch must be at least 1, was " + batch);
        }
    }

    public static DepthSettings of(String model) {
        return new DepthSettings(model, 518, false, 4, java.time.Duration.ofMillis(5), 2048);
    }
}
