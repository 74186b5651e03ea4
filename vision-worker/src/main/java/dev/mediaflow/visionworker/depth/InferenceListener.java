package dev.mediaflow.visionworker.depth;

/**
 * What {@link DepthEstimator} tells about its work as it happens: each forward pass of the model and each depth
 * map made from its output. The estimator stays free of any metrics library; the worker's meters listen.
 */
public interface InferenceListener {

    /** Listens to nothing: for an estimator used outside the worker (tests, benchmarks). */
    InferenceListener NONE = new InferenceListener() {
        @Override
        public void forwardPass(int batchSize, long nanos) {
        }

        @Override
        public void depthMapMade(long nanos) {
        }
    };

    /** One forward pass of {@code batchSize} pictures that completed in {@code nanos}. */
    void forwardPass(int batchSize, long nanos);

    /** One model output turned into a depth map: resized to its source, stretched to 16 bits, encoded as PNG. */
    void depthMapMade(long nanos);
}
